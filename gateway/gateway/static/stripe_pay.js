// The portal's Pay form with Stripe: the card goes from Stripe's card Element to Stripe
// (confirmCardSetup on a SetupIntent from Portico), never to Portico; Portico then creates and
// confirms the PaymentIntent on the server; 3-D Secure runs here (confirmCardPayment).
(function () {
  "use strict";
  var form = document.getElementById("stripe-pay");
  if (!form || typeof Stripe !== "function") { return; }
  var data = form.dataset;
  var stripe = Stripe(data.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var button = form.querySelector("button[type=submit]");
  var errorBox = document.getElementById("pay-error");
  var statusBox = document.getElementById("pay-status");
  var attempt = 0;
  form.hidden = false;
  var noJs = document.getElementById("pay-needs-js");
  if (noJs) { noJs.hidden = true; }

  function show(box, text) { box.textContent = text || ""; box.hidden = !text; }
  function fail(message) { show(statusBox, ""); show(errorBox, message || data.msgFailed); button.disabled = false; }

  function send(method, url, body, key) {
    var headers = {"Content-Type": "application/json", "X-CSRFToken": data.csrf, "Accept": "application/json"};
    if (key) { headers["Idempotency-Key"] = key; }
    return fetch(url, {method: method, headers: headers, credentials: "same-origin",
                       body: body ? JSON.stringify(body) : undefined})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          if (!response.ok) {
            // a decline in the reader's language (Stripe's own message is English); others as sent
            var declined = json.error && json.error.code === "card_declined";
            throw new Error(declined ? data.msgDeclined : (json.error && json.error.message) || data.msgFailed);
          }
          return json;
        });
      });
  }

  function chosenCard() {
    var picked = form.querySelector("input[name=saved_card]:checked");
    return picked && picked.value !== "new" ? picked.value : null;
  }

  function cardMethod() {
    var saved = chosenCard();
    if (saved) { return Promise.resolve(saved); }
    return send("POST", data.setupUrl).then(function (setup) {
      return stripe.confirmCardSetup(setup.client_secret, {payment_method: {card: card}});
    }).then(function (result) {
      if (result.error) { throw new Error(result.error.message || data.msgDeclined); }
      var method = result.setupIntent.payment_method;
      return typeof method === "string" ? method : method.id;
    });
  }

  function finish(intent) {
    if (intent.status === "succeeded") {
      show(statusBox, data.msgPaid);
      window.location.assign(data.doneUrl);
    } else if (intent.status === "processing") {
      show(statusBox, data.msgProcessing);
      window.setTimeout(function () { window.location.assign(data.doneUrl); }, 3000);
    } else {
      fail((intent.error && intent.error.message) || data.msgDeclined);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    show(errorBox, "");
    show(statusBox, data.msgWorking);
    attempt += 1;
    var key = data.key + "-" + attempt;  // a new attempt after a decline is not blocked by the old key
    var saveBox = form.querySelector("input[name=save_card]");
    cardMethod().then(function (method) {
      return send("POST", data.intentUrl, {amount: form.querySelector("input[name=amount]").value,
                                           payment_method_id: method,
                                           save_card: !!(saveBox && saveBox.checked && !chosenCard())}, key);
    }).then(function (intent) {
      if (intent.status !== "requires_action") { return intent; }
      return stripe.confirmCardPayment(intent.client_secret).then(function (result) {
        // whatever the browser saw, Portico asks Stripe (and records the payment once)
        return send("GET", data.refreshUrl.replace("INTENT_ID", encodeURIComponent(intent.id)));
      });
    }).then(finish).catch(function (error) { fail(error.message); });
  });

  form.addEventListener("change", function () {
    var newCard = !chosenCard();
    document.getElementById("new-card").hidden = !newCard;
  });
})();
