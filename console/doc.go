// Package console is the support team's web console, served by the
// daemon on console.listen: queues, tickets with their conversation,
// the actions support takes on them, the plan ledger, quarantine and held
// mail, the outbox and webhook health, and users for leads.
//
// Pages are rendered on the server with html/template from embedded
// files, work without JavaScript (plain forms, POST-redirect-GET), and a
// small script listens to Server-Sent Events to refresh a queue when
// tickets change. Customer text is always shown as text, never as HTML.
//
// Who may enter: local users with argon2id passwords and server-side
// sessions in the store, or a trusted authenticating proxy's header.
// Every state-changing request passes http.CrossOriginProtection.
package console
