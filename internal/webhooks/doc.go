// Package webhooks tells other systems what happens in Garde: when a
// request is created or changes state, each endpoint subscribed to that
// event receives an HTTP POST, signed with the endpoint's secret.
//
// A delivery is stored, with the job that sends it, in the transaction of
// the change that causes it (Emit): a change is never committed without
// its webhook, nor a webhook sent for a change that was rolled back. The
// job retries with growing delays (up to MaxAttempts tries over about four
// hours) until the receiver answers 2xx; redirects are not followed. A
// delivered delivery is never sent again by the job; "send again" in the
// back office makes a new delivery of the same event.
//
// # What a receiver gets
//
// The body is JSON:
//
//	{"id": "<event id>", "event": "request.state_changed",
//	 "created_at": "2025-03-01T09:30:00.123456Z", "data": {…}}
//
// The event id is the same in every delivery of one event (to every
// endpoint, and when sent again): use it to ignore duplicates. The data
// holds identifiers, not personal data; look the rest up with the API.
//
// Headers:
//
//	Garde-Event:     request.state_changed
//	Garde-Delivery:  <delivery id>
//	Garde-Timestamp: <Unix time of this attempt, in seconds>
//	Garde-Signature: v1=<hex HMAC-SHA256>
//
// # Verifying a delivery
//
//  1. Take Garde-Timestamp and the raw body exactly as received (before
//     any JSON parsing).
//  2. Compute HMAC-SHA256 with the endpoint's secret (the whole text shown
//     at creation, "whsec_…", as bytes) as the key, over
//     timestamp + "." + body.
//  3. Hex-encode it (lower case) and compare it, in constant time, with
//     the value after "v1=" in Garde-Signature.
//  4. Refuse the delivery if the timestamp is more than five minutes away
//     from your clock, so a captured request cannot be replayed later.
//
// Answer with any 2xx status once the event is stored; anything else, or
// no answer within 10 seconds, is retried.
package webhooks
