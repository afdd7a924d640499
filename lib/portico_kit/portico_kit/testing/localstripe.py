"""localstripe (a stateful Stripe emulator by others) as a process for tests, on a free port.

It speaks Stripe's API to the official `stripe` library, serves a fake Stripe.js at
`/js.stripe.com/v3/`, and posts signed webhooks to URLs registered with `register_webhook`. It does
not honour idempotency keys: Portico's own idempotency is what tests prove.
"""
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time

import requests

from .smtp import free_port

WEBHOOK_SECRET = "whsec_portico_tests"
SECRET_KEY = "sk_test_portico"
PUBLISHABLE_KEY = "pk_test_portico"


class LocalStripe:
    def __init__(self, log_path=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.js_url = f"{self.url}/js.stripe.com/v3/"
        self.log_path = log_path or os.devnull
        self.process = None

    def start(self, timeout=30):
        command = [os.path.join(os.path.dirname(sys.executable), "localstripe"), "--port", str(self.port),
                   "--from-scratch"]
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"localstripe exited with {self.process.returncode} (log: {self.log_path})")
            try:
                requests.get(self.js_url, timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("localstripe did not start in time")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if getattr(self, "_log", None):
            self._log.close()

    def register_webhook(self, url, secret=WEBHOOK_SECRET, events=None, name="portico"):
        response = requests.post(f"{self.url}/_config/webhooks/{name}", timeout=5,
                                 json={"url": url, "secret": secret, "events": events})
        response.raise_for_status()

    def settings(self):
        """The billing settings that point Portico at this emulator."""
        return {"PAYMENT_PROVIDER": "stripe", "STRIPE_SECRET_KEY": SECRET_KEY,
                "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "STRIPE_API_BASE": self.url, "STRIPE_JS_URL": self.js_url}

    # -- what a browser with Stripe.js would do ----------------------------------------------------

    def card(self, number, exp_month=12, exp_year=2030, cvc="123"):
        """A PaymentMethod with raw card fields (localstripe takes no tokens): its id."""
        response = requests.post(f"{self.url}/v1/payment_methods", auth=(SECRET_KEY, ""), timeout=5, data={
            "type": "card", "card[number]": number, "card[exp_month]": exp_month, "card[exp_year]": exp_year,
            "card[cvc]": cvc})
        response.raise_for_status()
        return response.json()["id"]

    def confirm_setup(self, client_secret, number, exp_month=12, exp_year=2030, cvc="123"):
        """Stripe.js's confirmCardSetup: the card goes to Stripe, the SetupIntent gets its PaymentMethod.
        Returns (status_code, body)."""
        setup_id = client_secret.split("_secret_")[0]
        response = requests.post(f"{self.url}/v1/setup_intents/{setup_id}/confirm", timeout=5, json={
            "key": PUBLISHABLE_KEY, "use_stripe_sdk": True, "client_secret": client_secret,
            "payment_method_data": {"type": "card", "card": {"number": number, "exp_month": exp_month,
                                                              "exp_year": exp_year, "cvc": cvc}}})
        return response.status_code, response.json()

    def authenticate(self, client_secret, success=True):
        """Stripe.js's confirmCardPayment: the customer completes (or fails) 3-D Secure."""
        intent_id = client_secret.split("_secret_")[0]
        response = requests.post(f"{self.url}/v1/payment_intents/{intent_id}/_authenticate"
                                 f"?success={'true' if success else 'false'}", timeout=5,
                                 json={"key": PUBLISHABLE_KEY, "client_secret": client_secret})
        response.raise_for_status()
        return response.json()

    def refund(self, intent_id, amount):
        """A refund made outside Portico (as in Stripe's dashboard)."""
        response = requests.post(f"{self.url}/v1/refunds", auth=(SECRET_KEY, ""), timeout=5,
                                 data={"payment_intent": intent_id, "amount": amount})
        response.raise_for_status()
        return response.json()

    def intent(self, intent_id):
        response = requests.get(f"{self.url}/v1/payment_intents/{intent_id}", auth=(SECRET_KEY, ""), timeout=5)
        response.raise_for_status()
        return response.json()


def signed_event(event_type, obj, secret=WEBHOOK_SECRET, event_id=None, timestamp=None):
    """(payload, Stripe-Signature header) for a webhook event signed as Stripe does."""
    timestamp = int(timestamp or time.time())
    payload = json.dumps({"id": event_id or f"evt_{os.urandom(8).hex()}", "object": "event", "type": event_type,
                          "created": timestamp, "livemode": False, "api_version": "2020-08-27",
                          "data": {"object": obj}})
    signature = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return payload, f"t={timestamp},v1={signature}"
