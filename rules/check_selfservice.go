package rules

// checkSelfService reports, without blocking, a request the customer can do
// alone (create or remove a user, reset a password, change a role or
// permissions, update an email address or profile). The ticket is still
// registered, and the message says whether it counts against the plan.
func checkSelfService(in *input) *Finding {
	if in.category != SelfService {
		return nil
	}
	msg := Text{
		EN: "This is something your organization's administrators can do themselves in the application (users, passwords, roles and permissions). We have registered it all the same",
		ES: "Esta es una gestión que los administradores de su organización pueden hacer por sí mismos en la aplicación (usuarios, contraseñas, roles y permisos). Aun así, la hemos registrado",
	}
	if in.warranty {
		msg.EN += "."
		msg.ES += "."
	} else {
		msg.EN += ", and it counts as one of the tickets included in your plan."
		msg.ES += ", y cuenta como una de las incidencias incluidas en su plan."
	}
	in.note(RuleSelfService, true, "request: "+in.categoryWhy)
	return &Finding{Rule: RuleSelfService, Outcome: Accepted, Message: msg}
}
