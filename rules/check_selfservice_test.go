package rules

import "testing"

const (
	enCreateUser = "Please create a user for our new colleague John Doe, john.doe@acme.example, with the Accountant " +
		"role, so that he can start with the month-end closing on Monday."
	esCreateUser = "Por favor, necesitamos dar de alta un usuario para nuestra nueva compañera Ana López, " +
		"ana.lopez@globex.example, con el rol de Contable, para que empiece con el cierre del mes el lunes."
)

func TestSelfService(t *testing.T) {
	runRuleCases(t, RuleSelfService, testPolicy(), []ruleCase{
		{"en create a user", enMail(subject("New user for John Doe"), own(enCreateUser), attach()), true},
		{"en reset password", enMail(subject("Password for Bob Stone"), attach(), own("Could you please reset the "+
			"password of bob@acme.example? He is back from holidays and does not remember it, and he needs to send invoices today.")), true},
		{"en change role", enMail(subject("Role change for Bob Stone"), attach(), own("Please change the role of "+
			"bob@acme.example from Viewer to Accountant, he took over the invoicing of the northern warehouses this month.")), true},
		{"en failing password reset is an incident", enMail(subject("Password reset page fails"), own("When I try to "+
			"reset my password, the page shows error 500 after I enter the code from the email, every time since Friday.")), false},
		{"en incident", enMail(), false},
		{"es dar de alta un usuario", esMail(subject("Alta de usuario para Ana López"), own(esCreateUser), attach()), true},
		{"es restablecer la contraseña", esMail(subject("Contraseña de Luis García"), attach(), own("¿Pueden "+
			"restablecer la contraseña de luis@globex.example? Ha vuelto de vacaciones, no la recuerda y necesita emitir facturas hoy.")), true},
		{"es cambiar permisos", esMail(subject("Permisos de Luis en compras"), attach(), own("Necesitamos cambiar los "+
			"permisos de luis@globex.example para que pueda aprobar pedidos de compra, ya que ahora es el responsable del almacén.")), true},
		{"es restablecer con error es incidencia", esMail(subject("Error al restablecer la contraseña"), own("Al "+
			"restablecer la contraseña aparece un error 500 después de introducir el código que llega por correo, desde el viernes.")), false},
		{"es incidencia", esMail(), false},
		{"en can we do it ourselves is a question", enMail(subject("Retention of archived delivery notes"), own("How long do "+
			"you keep signed delivery notes once they are archived, and can we change that retention period ourselves for each workspace?")), false},
		{"en do we have to is a question", enMail(subject("Azure groups and roles at login"), own("When somebody moves to "+
			"another group in Azure, does the role follow at the next login, or do we still have to change the role by hand in the admin?")), false},
		{"en does it need an account is a question", enMail(subject("Workspace for our Irish entity"), own("We are opening "+
			"a company in Ireland next quarter and want to know how licensing works for it. Or does a separate legal entity need a separate account?")), false},
		{"en found how to is know-how", enMail(subject("Signing order for three signers"), own("I read the help pages "+
			"but only found how to add signers, not how to make them sign one after another. Is there a setting for the order?")), false},
		{"en can you is a request", enMail(subject("Two-factor for Bob Stone"), attach(), own("Bob replaced his phone "+
			"over the weekend and the old authenticator is gone. Can you reset the two-factor authentication for bob@acme.example?")), true},
		{"es podemos nosotros es una pregunta", esMail(subject("Roles de usuario en el almacén"), own("Queremos saber "+
			"cómo funcionan los permisos del almacén antes de reorganizar el equipo. ¿Podemos cambiar nosotros el rol de un usuario desde la administración?")), false},
		{"es nosotros o vosotros es una pregunta", esMail(subject("Restablecer el doble factor: ¿nosotros o vosotros?"), own("Estamos "+
			"escribiendo el procedimiento interno para cuando alguien cambie de móvil y queremos saber a quién hay que avisar en cada caso.")), false},
		{"en a button's label is no request", enMail(subject("Taking leavers out of the workspace"), own("Settings has an "+
			"\"Invite user\" button, but when I open an existing person I see nothing for taking them out. Where is that done?")), false},
		{"en could we ask you is a request", enMail(subject("Password for Bob Stone"), attach(), own("Bob is locked out after "+
			"too many attempts this morning. Could we ask you to reset the password of bob@acme.example?")), true},
		{"en is it possible for a given user is a request", enMail(subject("Two-factor for Bob Stone"), attach(), own("Hello team, is "+
			"it possible to reset the two-factor authentication for bob@acme.example? He got a new phone over the weekend.")), true},
		{"es se puede con uno cualquiera es una pregunta", esMail(subject("Renombrar espacios de trabajo"), own("Vamos a "+
			"reorganizar las delegaciones el mes que viene y queremos saberlo antes. ¿Se puede renombrar un espacio de trabajo sin perder nada?")), false},
		{"en can we put our new logo ourselves is a question", enMail(subject("Logo on the signing page"), own("Our brand "+
			"team has finished the new artwork for next year. Can we put our new logo on the signing page ourselves?")), false},
		{"en lost login codes with a reset asked", enMail(subject("Two-factor for Bob Stone"), own("Could you reset the "+
			"two-factor of bob@acme.example? He no longer receives the login codes since he changed operator.")), true},
		{"es móvil robado con petición", esMail(subject("Doble factor de Marta Gil"), own("¿Podríais restablecer el doble "+
			"factor de marta@globex.example? Le robaron el móvil el sábado y no tiene otra forma de entrar.")), true},
		{"es podéis es una petición", esMail(subject("Logotipo nuevo para Globex"), attach(), own("Desde enero usamos "+
			"el logotipo nuevo que os adjunto en todos los documentos. ¿Podéis cambiar el logo de nuestra cuenta por el adjunto, por favor?")), true},
	})
}

// A self-service request is still registered; the message says it is
// deducted, except under warranty.
func TestSelfServiceIsInformational(t *testing.T) {
	for _, tc := range []struct {
		name, addr string
		deducts    bool
	}{
		{"deducted", "alice@acme.example", true},
		{"warranty", "ada@umbrella.example", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(enMail(from(tc.addr), subject("New user for John Doe"), own(enCreateUser), attach()), testPolicy(), received)
			if v.Outcome != Accepted || v.Category != SelfService || !v.Registered() {
				t.Fatalf("verdict %s category %s, want accepted self_service", v.Outcome, v.Category)
			}
			f := finding(t, v, RuleSelfService)
			if f.Blocking() || f.Outcome != Accepted {
				t.Fatalf("finding %+v is blocking", f)
			}
			if v.DeductsQuota != tc.deducts || contains(f.Message.EN, "counts as one of the tickets") != tc.deducts ||
				contains(f.Message.ES, "cuenta como una de las incidencias") != tc.deducts {
				t.Fatalf("deducts %v, message %+v; want deducts %v said in both languages", v.DeductsQuota, f.Message, tc.deducts)
			}
		})
	}
}
