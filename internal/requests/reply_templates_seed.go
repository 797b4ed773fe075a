package requests

// starterReplyTemplates are the templates a new instance starts with: the
// three answers nearly every request needs. Each language is written for
// its readers, not translated word for word.
var starterReplyTemplates = []ReplyTemplateInput{
	{
		Name: "Request received, working on it",
		BodyEN: `Hello {{name}},

Thank you for your request ({{type}}), reference {{reference}}. We have started working on it and will answer by {{due_date}} at the latest, as {{law}} requires.

If we need anything else from you, we will write to you here.

Kind regards`,
		BodyFR: `Bonjour {{name}},

Nous avons bien reçu votre demande ({{type}}), référence {{reference}}, et nous la traitons. Vous aurez notre réponse au plus tard le {{due_date}}, comme le prévoit la loi applicable ({{law}}).

Si nous avons besoin d'autres informations, nous vous écrirons ici.

Bien cordialement`,
		BodyNL: `Beste {{name}},

Bedankt voor uw verzoek ({{type}}) met referentie {{reference}}. We zijn ermee aan de slag en antwoorden uiterlijk op {{due_date}}, zoals {{law}} voorschrijft.

Hebben we nog iets van u nodig, dan laten we het u hier weten.

Met vriendelijke groet`,
	},
	{
		Name: "We need more information to identify you",
		BodyEN: `Hello {{name}},

Before we can act on your request {{reference}}, we need to be sure it really comes from you: we only share or change personal data with the person it belongs to.

Could you reply to this message with a detail only you would know, such as the date of your last order or the postcode on your account? Please do not send a copy of an identity document unless we ask for it.

Kind regards`,
		BodyFR: `Bonjour {{name}},

Avant de donner suite à votre demande {{reference}}, nous devons nous assurer qu'elle vient bien de vous : nous ne communiquons ni ne modifions des données personnelles qu'avec la personne concernée.

Pourriez-vous répondre à ce message en nous indiquant une information que vous seul connaissez, par exemple la date de votre dernière commande ou le code postal de votre compte ? Merci de ne pas nous envoyer de pièce d'identité sauf si nous vous la demandons.

Bien cordialement`,
		BodyNL: `Beste {{name}},

Voordat we uw verzoek {{reference}} kunnen uitvoeren, moeten we zeker weten dat het van u komt: we delen of wijzigen persoonsgegevens alleen met de persoon om wie het gaat.

Wilt u dit bericht beantwoorden met een gegeven dat alleen u kent, zoals de datum van uw laatste bestelling of de postcode van uw account? Stuur ons geen kopie van een identiteitsbewijs, tenzij we daarom vragen.

Met vriendelijke groet`,
	},
	{
		Name: "Your request is complete",
		BodyEN: `Hello {{name}},

We have finished handling your request ({{type}}), reference {{reference}}. You will find the outcome on your request's page.

If you are not satisfied with our answer, you may reply to this message, and you also have the right to complain to the data protection authority.

Kind regards`,
		BodyFR: `Bonjour {{name}},

Le traitement de votre demande ({{type}}), référence {{reference}}, est terminé. Vous en trouverez le résultat sur la page de suivi de votre demande.

Si notre réponse ne vous satisfait pas, vous pouvez répondre à ce message ; vous avez aussi le droit d'introduire une réclamation auprès de l'autorité de protection des données.

Bien cordialement`,
		BodyNL: `Beste {{name}},

We hebben uw verzoek ({{type}}) met referentie {{reference}} afgehandeld. De uitkomst vindt u op de pagina van uw verzoek.

Bent u niet tevreden met ons antwoord, dan kunt u op dit bericht reageren. U hebt ook het recht een klacht in te dienen bij de toezichthouder voor gegevensbescherming.

Met vriendelijke groet`,
	},
}
