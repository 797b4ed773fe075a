// Package generate writes a first dataset file from the structure of a
// database, guessing data categories from column names in English, French
// and Dutch, for the operator to review.
package generate

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// rule gives a category to columns whose normalised name is one of names
// exactly, or holds one of words as a whole word.
type rule struct {
	category string
	names    []string
	words    []string
}

// rules are tried in order; the first match wins, so the narrower rules
// (first name) come before the broader ones (name).
var rules = []rule{
	{"user.authorization.credentials", []string{"password", "password_hash", "passwd", "pwd", "mot_de_passe", "motdepasse", "mdp", "wachtwoord", "wachtwoord_hash"}, []string{"password", "wachtwoord"}},
	{"user.contact.email", []string{"email", "e_mail", "mail", "courriel", "adresse_courriel", "adresse_email", "emailadres", "e_mailadres", "mailadres"}, []string{"email", "courriel", "emailadres", "mailadres"}},
	{"user.contact.phone_number", []string{"phone", "tel", "telephone", "mobile", "cell", "gsm", "portable", "telefoon", "telefoonnummer", "mobiel", "mobiel_nummer", "numero_de_telephone"}, []string{"phone", "telephone", "telefoon", "telefoonnummer", "mobile", "mobiel", "gsm"}},
	{"user.name.first", []string{"first_name", "firstname", "given_name", "forename", "prenom", "voornaam"}, []string{"firstname", "prenom", "voornaam"}},
	{"user.name.last", []string{"last_name", "lastname", "surname", "family_name", "nom_de_famille", "nom_famille", "achternaam", "familienaam"}, []string{"surname", "lastname", "achternaam", "familienaam"}},
	{"user.account.username", []string{"username", "user_name", "login", "nom_utilisateur", "gebruikersnaam"}, []string{"username", "gebruikersnaam"}},
	{"user.contact.address.postal_code", []string{"zip", "zipcode", "zip_code", "postal_code", "postcode", "code_postal", "cp"}, []string{"postcode", "zip", "zipcode"}},
	{"user.contact.address.city", []string{"city", "town", "ville", "localite", "stad", "plaats", "woonplaats", "gemeente"}, []string{"city", "ville", "woonplaats"}},
	{"user.contact.address.country", []string{"country", "country_code", "pays", "land"}, []string{"country", "pays"}},
	{"user.contact.address.state", []string{"state", "province", "region", "provincie"}, []string{"province", "provincie"}},
	{"user.contact.address.street", []string{"street", "address", "address1", "address2", "address_line1", "address_line2", "line1", "line2", "adresse", "rue", "adres", "straat", "huisnummer", "straatnaam"}, []string{"street", "address", "adresse", "adres", "straat", "rue"}},
	{"user.demographic.date_of_birth", []string{"dob", "birthdate", "birthday", "date_of_birth", "birth_date", "date_naissance", "date_de_naissance", "geboortedatum"}, []string{"birth", "birthday", "naissance", "geboortedatum"}},
	{"user.demographic.gender", []string{"gender", "sex", "sexe", "genre", "geslacht"}, nil},
	{"user.demographic.language", []string{"language", "lang", "locale", "langue", "taal"}, nil},
	{"user.device.ip_address", []string{"ip", "ip_address", "ipaddress", "adresse_ip", "ip_adres", "remote_addr"}, []string{"ip"}},
	{"user.financial.bank_account", []string{"iban", "bank_account", "account_number", "compte_bancaire", "rekeningnummer", "bankrekening"}, []string{"iban", "rekeningnummer"}},
	{"user.financial.credit_card", []string{"card_number", "credit_card", "cc_number", "numero_carte", "kaartnummer"}, nil},
	{"user.government_id.national_identification_number", []string{"ssn", "nir", "national_id", "bsn", "rijksregisternummer", "numero_securite_sociale", "nas"}, nil},
	{"user.name", []string{"name", "full_name", "fullname", "display_name", "nom", "nom_complet", "naam", "volledige_naam", "contact_name"}, nil},
	{"user.content.private", []string{"message", "body", "content", "comment", "comments", "note", "notes", "subject", "description", "contenu", "commentaire", "sujet", "objet", "bericht", "inhoud", "opmerking", "onderwerp", "omschrijving"}, []string{"message", "comment", "commentaire", "bericht", "opmerking"}},
	{"user.unique_id", []string{"customer_id", "user_id", "client_id", "member_id", "account_id", "klant_id", "klantnummer", "gebruiker_id", "utilisateur_id", "numero_client", "customer_number"}, nil},
}

var camel = regexp.MustCompile(`([a-z0-9])([A-Z])`)

// normalise lower-cases a column name, splits camelCase, drops accents and
// turns every other character into "_": "Téléphone" → "telephone",
// "e-mail" → "e_mail", "firstName" → "first_name".
func normalise(name string) string {
	s := camel.ReplaceAllString(name, "${1}_${2}")
	s, _, _ = transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return strings.Trim(b.String(), "_")
}

// Guess returns the data category a column name suggests, or "".
func Guess(column string) string {
	n := normalise(column)
	for _, r := range rules {
		for _, x := range r.names {
			if n == x {
				return r.category
			}
		}
	}
	words := strings.Split(n, "_")
	// "email_sent_at", "phone_verified": about the data, not the data.
	switch words[len(words)-1] {
	case "at", "on", "date", "time", "count", "verified", "confirmed", "confirme", "bevestigd", "status", "flag", "type", "id", "opt", "optin", "consent":
		return ""
	}
	for _, r := range rules {
		for _, w := range words {
			for _, x := range r.words {
				if w == x {
					return r.category
				}
			}
		}
	}
	return ""
}
