// Package admin is ticketd's small HTTP admin API and its client.
//
// bbolt takes an exclusive lock on the database file, so while the daemon
// (ticketd run) holds it open for writing no other process can open it,
// not even read-only. To keep a single writer, the daemon serves this API
// on a loopback address (admin.listen, default 127.0.0.1:9120) and the
// ticketd tickets and ticketd ledger commands use [Client] when [Client.Up]
// says the daemon answers, and open the database file directly otherwise.
//
// Routes, all under /api/v1/ with JSON bodies (errors are {"error": "..."}):
//
//	GET  /api/v1/ping                                   {"service":"ticketd"}
//	GET  /api/v1/tickets?org=&status=&since=YYYY-MM-DD  []store.Ticket
//	GET  /api/v1/tickets/{number}                       store.Ticket
//	GET  /api/v1/tickets/{number}/messages/{i}/raw      message/rfc822 bytes of the i-th (1-based) customer message
//	POST /api/v1/tickets/{number}/warranty              store.Ticket
//	POST /api/v1/tickets/{number}/close                 store.Ticket
//	GET  /api/v1/ledger?org=                            []store.LedgerEntry
//	GET  /api/v1/turned-away?since=                     []store.TurnedAwayRecord (rejected, ignored and held mail)
//	POST /api/v1/erase?sender=ADDRESS&requested_by=     EraseResult (the store, then the mail folders)
//	GET  /api/v1/users                                  []UserInfo (never a password hash)
//	POST /api/v1/users                                  NewUser body -> UserInfo (409 when the name or address is taken)
//	POST /api/v1/users/{name}/password                  {"password_hash": ...} -> UserInfo; ends the user's sessions
//	POST /api/v1/users/{name}/disable                   UserInfo; ends the user's sessions
//	POST /api/v1/users/{name}/enable                    UserInfo
//
// Statuses: 400 bad input, 403 refused by a guard, 404 unknown ticket,
// user or route, 405 wrong method (with Allow), 409 a user that exists,
// 500 anything else.
//
// Security: the API has no authentication. It is meant for 127.0.0.1 (or
// a Unix socket, which this package does not provide yet), and [Server]
// refuses other addresses unless [Server.AllowNonLoopback] is set. Two
// guards keep a web page in the staff's browser from using it: the POST
// routes require the header X-Ticketd-Admin: 1, which a page on another
// origin cannot send without a CORS preflight that this API never grants;
// and every route requires the Host header to be an IP address or
// "localhost", which defeats DNS rebinding (a hostile name resolving to
// 127.0.0.1).
package admin
