package rules

import "testing"

func TestAPICallAndResponse(t *testing.T) {
	const (
		enSj = "Orders API rejects new orders"
		esSj = "La API de pedidos rechaza pedidos nuevos"
	)
	runRuleCases(t, RuleAPICallResponse, testPolicy(), []ruleCase{
		{"en neither", enMail(subject(enSj), attach(), own("Our ERP integration calls the orders API every five minutes "+
			"and since this morning every call fails with an error, so no orders reach the warehouse.")), true},
		{"en call without response", enMail(subject(enSj), attach(), own("Our ERP integration sends POST /v1/orders every "+
			"five minutes and since this morning every call fails with an error, so no orders reach the warehouse.")), true},
		{"en response without call", enMail(subject(enSj), attach(), own("Our ERP integration calls the orders API and since "+
			"this morning it answers HTTP/1.1 500 Internal Server Error, so no orders reach the warehouse at all.")), true},
		{"en lowercase get is prose", enMail(subject(enSj), attach(), own("When the integration tries to get /orders from "+
			"the API it fails with an error and we see nothing in the warehouse screens since this morning.")), true},
		{"en call and status", enMail(subject(enSj), attach(), own("Our ERP integration sends POST /v1/orders every five "+
			"minutes and since this morning the API answers HTTP/1.1 500 Internal Server Error for every order.")), false},
		{"en curl and json body", enMail(subject(enSj), attach(), own("This fails since this morning with an error:\n"+
			"curl -X POST https://api.acme.example/v1/orders -d @order.json\n"+
			`{"error": "invalid_date", "message": "date must be in the future"}`+"\nIt worked with the same file yesterday.")), false},
		{"en status 422 and url", enMail(subject(enSj), attach(), own("Calling PUT https://api.acme.example/v1/orders/77 "+
			"returns status 422 since the update, for orders that we could change yesterday without any problem.")), false},
		{"en har attachment", enMail(subject(enSj), attach(file("session.har", "application/json")), own("Our ERP "+
			"integration calls the orders API and since this morning every call fails with an error; the browser "+
			"network export is attached.")), false},
		{"en request and response files", enMail(subject(enSj), attach(
			textFile("request.txt", "text/plain", "POST https://api.acme.example/v1/orders\nContent-Type: application/json\n\n{\"sku\": \"A-1\"}"),
			textFile("response.json", "application/json", `{"status": 500, "error": "internal"}`)), own("Our ERP integration calls the orders API and since this "+
			"morning every call fails with an error; the request and the response are attached.")), false},
		{"en call with response file", enMail(subject(enSj), attach(textFile("error.log", "text/plain",
			"2026-10-12T08:00:01Z HTTP/1.1 502 Bad Gateway\n<html><body>upstream timed out</body></html>")), own("Our ERP "+
			"integration sends POST /v1/orders and since this morning every call fails; the log of the answer is attached.")), false},
		{"en files named for the call and response hold neither", enMail(subject(enSj), attach(
			textFile("request.txt", "text/plain", "Hi team, see the ticket from last week, same thing again."),
			textFile("response.json", "application/json", `{"customer": "ACME", "orders": 12}`)), own("Our ERP "+
			"integration calls the orders API and since this morning every call fails with an error; the request and the response are attached.")), true},
		{"en har recording holds both", enMail(subject(enSj), attach(textFile("orders.har", "application/octet-stream",
			`{"log": {"entries": [{"request": {"method": "POST", "url": "https://api.acme.example/v1/orders"}, "response": {"status": 500}}]}}`)),
			own("Our ERP integration calls the orders API and since this morning every call fails with an error; the browser recording is attached.")), false},
		{"en unnamed txt is not evidence", enMail(subject(enSj), attach(file("notes.txt", "text/plain")), own("Our ERP "+
			"integration sends POST /v1/orders and since this morning every call fails; my notes are attached to this mail.")), true},
		{"en not an api error", enMail(), false},
		{"es ninguna", esMail(subject(esSj), attach(), own("Nuestra integración con la API de pedidos falla desde esta "+
			"mañana con un error en cada llamada, así que no llega ningún pedido al almacén.")), true},
		{"es llamada sin respuesta", esMail(subject(esSj), attach(), own("Nuestra integración envía POST /v1/pedidos cada "+
			"cinco minutos y desde esta mañana todas las llamadas fallan, así que no llega ningún pedido al almacén.")), true},
		{"es llamada y respuesta", esMail(subject(esSj), attach(), own("Al llamar a POST https://api.acme.example/v1/pedidos "+
			"la API devuelve 500 con el cuerpo {\"error\": \"interno\"} desde esta mañana, con pedidos que ayer funcionaban.")), false},
		{"es código de estado", esMail(subject(esSj), attach(), own("Al enviar DELETE /v1/pedidos/12 la integración recibe "+
			"código de estado 409 desde la actualización, aunque el pedido no tiene envíos asociados.")), false},
		{"es no es de la api", esMail(), false},
	})
}
