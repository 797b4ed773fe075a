package consent

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// referenceDecode is how the banner's post was read before the direct
// reader: encoding/json, unknown fields and trailing values refused.
func referenceDecode(body []byte) (publicEvent, bool) {
	var in publicEvent
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || dec.More() {
		return publicEvent{}, false
	}
	return in, true
}

var decodeSeeds = []string{
	bannerBody,
	`{}`,
	` { "device_id" : "d" , "granted" : [ "analytics" , "marketing" ] , "refused" : [ ] , "gpc" : true } `,
	`{"device_id":"d","gpc":false,"granted":[],"method":"express","source":"gpc","notice_version":"v 1","language":"nl-BE"}`,
	`{"device_id":"d","device_id":"e","granted":["a"],"granted":["b","c"]}`,
	`{"device_id":"caf\u00e9"}`,
	`{"device_id":"café"}`,
	`{"device_id":"a\"b"}`,
	`{"device_id":"a\\b"}`,
	`{"Device_ID":"d"}`,
	`{"DEVICE_ID":"d","GRANTED":["analytics"]}`,
	`{"device_id":null,"granted":null}`,
	`{"device_id":12}`,
	`{"gpc":"true"}`,
	`{"gpc":1}`,
	`{"gpc":truex}`,
	`{"granted":"analytics"}`,
	`{"granted":[1]}`,
	`{"granted":["a",]}`,
	`{"granted":[,"a"]}`,
	`{"granted":[["a"]]}`,
	`{"subject_id":"cust-1"}`,
	`{"device_id":"d"}{"device_id":"e"}`,
	`{"device_id":"d"} x`,
	`{"device_id":"d"}]`,
	`{"device_id":"d"}}`,
	`{"device_id":"d",}`,
	`{"device_id" "d"}`,
	`{"device_id":"d"`,
	`{"device_id":"d`,
	`["device_id"]`,
	`null`,
	``,
	"\xef\xbb\xbf{}",
	"{\"device_id\":\"a\tb\"}",
	"{\"device_id\":\"\xff\"}",
	`{"device_id":"d","extra":{"x":1}}`,
}

// TestDecodePublicEventMatchesEncodingJSON: the direct reader accepts
// exactly what encoding/json accepted, with the same values, on bodies of
// every kind a client may send.
func TestDecodePublicEventMatchesEncodingJSON(t *testing.T) {
	fast := 0
	for _, body := range decodeSeeds {
		want, wantOK := referenceDecode([]byte(body))
		var got publicEvent
		err := decodePublicEvent([]byte(body), &got)
		if (err == nil) != wantOK || (wantOK && !reflect.DeepEqual(got, want)) {
			t.Errorf("%q: got %+v (err %v), want %+v (ok %v)", body, got, err, want, wantOK)
		}
		var direct publicEvent
		if fastDecodePublicEvent([]byte(body), &direct) {
			fast++
		}
	}
	// Mutations of the seeds: bytes replaced, inserted and removed, with
	// the characters that matter to JSON most likely.
	rng := rand.New(rand.NewPCG(5, 14))
	alphabet := []byte(`{}[]",:\ tfnu0123456789aeEdD_-` + "\t\x00\xc3\xa9\xff")
	for range 20000 {
		b := []byte(decodeSeeds[rng.IntN(len(decodeSeeds))])
		for range 1 + rng.IntN(3) {
			c := alphabet[rng.IntN(len(alphabet))]
			switch i := rng.IntN(len(b) + 1); {
			case rng.IntN(3) == 0 || i == len(b):
				b = append(b[:i], append([]byte{c}, b[i:]...)...)
			case rng.IntN(2) == 0:
				b[i] = c
			default:
				b = append(b[:i], b[i+1:]...)
			}
		}
		want, wantOK := referenceDecode(b)
		var got publicEvent
		err := decodePublicEvent(b, &got)
		if (err == nil) != wantOK || (wantOK && !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q: got %+v (err %v), want %+v (ok %v)", b, got, err, want, wantOK)
		}
		if fastDecodePublicEvent(b, &got) {
			fast++
		}
	}
	// The banner's own shape takes the direct path.
	var in publicEvent
	if !fastDecodePublicEvent([]byte(bannerBody), &in) || in.DeviceID != "d-1" || len(in.Granted) != 2 {
		t.Fatalf("banner body not read directly: %+v", in)
	}
	if fast < 100 {
		t.Fatalf("only %d bodies read directly", fast)
	}
}

// FuzzDecodePublicEvent checks the same agreement on generated bodies
// (go test -fuzz FuzzDecodePublicEvent).
func FuzzDecodePublicEvent(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want, wantOK := referenceDecode(body)
		var got publicEvent
		err := decodePublicEvent(body, &got)
		if (err == nil) != wantOK || (wantOK && !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q: got %+v (err %v), want %+v (ok %v)", body, got, err, want, wantOK)
		}
	})
}
