"""French, keyed by the English sentence (`FRENCH`) or, for sentences with numbers or
dates in them, by their reason or error code (`FRENCH_BY_CODE`). The words follow the seed
article's: dossier client, cabinet, détacher, désactiver, supprimer, réactiver."""

from __future__ import annotations

_RULES = {
    # app/domain/rules.py
    "This client file is being deleted; nothing else can be done with it.": (
        "Ce dossier client est en cours de suppression ; plus rien ne peut y être fait."
    ),
    "Only staff of the practice can do this.": "Seul le personnel du cabinet peut faire cela.",
    "Only a user of the client's business can do this.": (
        "Seul un utilisateur de l'entreprise cliente peut faire cela."
    ),
    "This client pays for their own subscription: you can only detach the file.": (
        "Ce client paie son propre abonnement : vous pouvez seulement détacher le dossier."
    ),
    "This client file is not included in your subscription.": (
        "Ce dossier client n'est pas inclus dans votre abonnement."
    ),
    "This client file is not being deleted.": (
        "Ce dossier client n'est pas en cours de suppression."
    ),
    "The grace period is over and the client file is being removed; the deletion can no "
    "longer be cancelled.": (
        "Le délai de grâce est passé et le dossier client est en cours d'effacement ; la "
        "suppression ne peut plus être annulée."
    ),
    "This client file is not attached to a practice.": (
        "Ce dossier client n'est rattaché à aucun cabinet."
    ),
    "Nobody at the client has access to this file, so detaching it would leave its documents "
    "with no one. Invite a client user first, or delete the file.": (
        "Personne chez le client n'a accès à ce dossier : le détacher laisserait ses documents "
        "sans personne. Invitez d'abord un utilisateur du client, ou supprimez le dossier."
    ),
    "This client file is already deactivated.": "Ce dossier client est déjà désactivé.",
    "This client file is not deactivated.": "Ce dossier client n'est pas désactivé.",
    "This client file already has its own subscription.": (
        "Ce dossier client a déjà son propre abonnement."
    ),
    "Your accountant's subscription already covers this file. You can take your own once "
    "the practice detaches or deactivates it.": (
        "L'abonnement de votre cabinet comptable couvre déjà ce dossier. Vous pourrez "
        "souscrire le vôtre dès que le cabinet l'aura détaché ou désactivé."
    ),
    "This client file is already attached to a practice; it must be detached first.": (
        "Ce dossier client est déjà rattaché à un cabinet ; il doit d'abord en être détaché."
    ),
    # app/domain/retries.py
    "This client file is being deleted; its documents cannot be sent again.": (
        "Ce dossier client est en cours de suppression ; ses documents ne peuvent plus être "
        "renvoyés."
    ),
    "This client file is deactivated: reactivate it before sending documents again.": (
        "Ce dossier client est désactivé : réactivez-le avant de renvoyer des documents."
    ),
    "This client file has no subscription: the client must take a plan, or attach the file "
    "to a practice, before its documents are sent again.": (
        "Ce dossier client n'a pas d'abonnement : le client doit souscrire une offre, ou "
        "rattacher le dossier à un cabinet, avant que ses documents soient renvoyés."
    ),
    "This document is already extracted.": "Ce document est déjà extrait.",
    "This document is still on its way through extraction; wait for it to finish.": (
        "Ce document est encore en cours d'extraction ; attendez qu'elle se termine."
    ),
}

_CONSEQUENCES = {
    # app/domain/consequences.py: the seed's "Ce que cela signifie pour vous / votre client"
    "You will no longer see this client on your My clients page.": (
        "Vous ne verrez plus ce client sur la page « Mes clients »."
    ),
    "You will no longer have access to this client file.": (
        "Vous n'aurez plus accès à ce dossier."
    ),
    "The client keeps access to the file and all its documents.": (
        "Le client conserve l'accès à son dossier et à tous ses documents."
    ),
    "The client can take its own subscription.": (
        "Le client pourra souscrire à son propre abonnement."
    ),
    "The client can connect the file to another practice.": (
        "Le client pourra connecter son dossier à un autre cabinet."
    ),
    "You can still open this file from the deactivated client files list.": (
        "Vous pourrez toujours accéder à ce dossier depuis la liste des dossiers clients "
        "désactivés."
    ),
    "Documents you add to this file will not be sent for extraction.": (
        "Les documents que vous ajouterez à ce dossier ne seront pas envoyés pour extraction."
    ),
    "The client keeps access to the file and its documents.": (
        "Il conservera l'accès à son dossier et à ses documents."
    ),
    "Documents the client adds to this file will not be sent for extraction.": (
        "Les documents que le client ajoutera à ce dossier ne seront pas envoyés pour extraction."
    ),
    "This cannot be undone.": "Vous ne pourrez pas revenir en arrière.",
    "All the data of this client file will be deleted.": (
        "Toutes les données associées à ce dossier client seront supprimées."
    ),
    "The client moves back to your list of active clients.": (
        "Le client est retransféré dans votre liste de clients actifs."
    ),
    "Document extraction is available again for this file.": (
        "Le service d'extraction de documents est de nouveau disponible pour ce dossier."
    ),
    "Documents added from now on are sent for extraction again.": (
        "Les documents ajoutés à partir de maintenant sont de nouveau envoyés pour extraction."
    ),
    "The file can no longer be deleted, only detached from your practice.": (
        "Le dossier ne pourra plus être supprimé, seulement détaché de votre cabinet."
    ),
    "The invited person can see the file and all its documents.": (
        "La personne invitée voit le dossier et tous ses documents."
    ),
    "Extraction works again under the client's own subscription.": (
        "L'extraction fonctionne de nouveau, sous l'abonnement du client."
    ),
    "The file appears in the practice's My clients list.": (
        "Le dossier apparaît dans la liste « Mes clients » du cabinet."
    ),
    "The practice can see the file and all its documents.": (
        "Le cabinet voit le dossier et tous ses documents."
    ),
}

_REASONS = {
    # app/domain/reasons.py: why a document was skipped or failed
    "Not extracted: the client file was deactivated before this document was read.": (
        "Non extrait : le dossier client a été désactivé avant la lecture de ce document."
    ),
    "Not extracted: the client file has no subscription.": (
        "Non extrait : le dossier client n'a pas d'abonnement."
    ),
    "The extraction engine could not process this document.": (
        "Le moteur d'extraction n'a pas pu traiter ce document."
    ),
    "Dossier cannot read this document: it is damaged, encrypted, empty or holds no text.": (
        "Dossier ne peut pas lire ce document : il est endommagé, chiffré, vide ou sans texte."
    ),
    "The original file is missing from storage.": "Le fichier original manque dans le stockage.",
    "The extraction was interrupted too many times; it will not be tried again.": (
        "L'extraction a été interrompue trop souvent ; elle ne sera plus tentée."
    ),
    "The extraction took longer than its time limit and was stopped; retry it.": (
        "L'extraction a dépassé son temps limite et a été arrêtée ; relancez-la."
    ),
}

_SERVICES = {
    # refusals and errors the services raise
    "No such client file.": "Ce dossier client n'existe pas, ou vous n'y avez pas accès.",
    "No such attach request.": (
        "Cette demande de rattachement n'existe pas, ou elle ne vous est pas adressée."
    ),
    "This invitation is no longer pending.": "Cette invitation n'est plus en attente.",
    "This request has already been answered or withdrawn.": (
        "Cette demande a déjà reçu une réponse, ou elle a été retirée."
    ),
    "Only the person who asked can cancel this request.": (
        "Seule la personne qui a fait la demande peut la retirer."
    ),
    "This client file has been attached to a practice since the request was made.": (
        "Ce dossier client a été rattaché à un cabinet depuis la demande."
    ),
    "No such document.": "Ce document n'existe pas, ou vous n'y avez pas accès.",
    "No such export.": "Cet export n'existe pas.",
    "No such lifecycle job.": "Cette opération n'existe pas.",
    "No such scheduled action.": "Cette action planifiée n'existe pas.",
    "Choose a time in the future.": "Choisissez un moment dans le futur.",
    "This client file is being deleted; it accepts no more documents.": (
        "Ce dossier client est en cours de suppression ; il n'accepte plus de documents."
    ),
    "Only staff of the practice can export a client file.": (
        "Seul le personnel du cabinet peut exporter un dossier client."
    ),
    "Only staff of the practice can download an export.": (
        "Seul le personnel du cabinet peut télécharger un export."
    ),
    "This export has expired and its zip was removed; ask for a new one.": (
        "Cet export a expiré et son archive a été effacée ; demandez-en un nouveau."
    ),
    "Only staff of the practice can cancel a scheduled action.": (
        "Seul le personnel du cabinet peut annuler une action planifiée."
    ),
    "This person already has access to the file.": "Cette personne a déjà accès au dossier.",
    "Practice staff cannot be invited as client users.": (
        "Le personnel d'un cabinet ne peut pas être invité comme utilisateur client."
    ),
    "The client file no longer exists, or is no longer yours to change: nothing was done.": (
        "Le dossier client n'existe plus, ou ne dépend plus de vous : rien n'a été fait."
    ),
    "This action is not allowed now.": "Cette action n'est pas possible pour le moment.",
}


# The console's own words: its templates and app/console/wording.py.
_CONSOLE = {
    "1 user": "1 utilisateur",
    "{n} users": "{n} utilisateurs",
    "Action": "Action",
    "Actions": "Actions",
    "Active": "Actif",
    "Active clients": "Clients actifs",
    "Deactivated clients": "Clients désactivés",
    "Active files": "Dossiers actifs",
    "Deactivated files": "Dossiers désactivés",
    "Client users: {n}": "Utilisateurs du client : {n}",
    "Add documents": "Ajouter des documents",
    "All files were sent.": "Tous les fichiers ont été envoyés.",
    "Also send the documents skipped meanwhile for extraction": (
        "Envoyer aussi pour extraction les documents ignorés entre-temps"
    ),
    "Amount due": "Montant dû",
    "Asked for": "Demandé le",
    "Attach": "Rattacher",
    "Attach this file to a practice?": "Rattacher ce dossier à un cabinet ?",
    "Attach to a practice": "Rattacher à un cabinet",
    "Pending requests to attach": "Demandes de rattachement en attente",
    "Requests to take a client file": "Demandes de rattachement reçues",
    "A client asks your practice to take its file. You see its name and who asks until you "
    "accept; accepting puts it under your subscription.": (
        "Un client demande à votre cabinet de prendre son dossier. Vous en voyez le nom et "
        "qui le demande jusqu'à ce que vous acceptiez ; l'accepter le place sous votre "
        "abonnement."
    ),
    "Asked by": "Demandé par",
    "Decline": "Refuser",
    "Accept": "Accepter",
    "The file is now one of your clients, under your subscription.": (
        "Le dossier fait désormais partie de vos clients, sous votre abonnement."
    ),
    "The request was declined; the client is told by e-mail.": (
        "La demande est refusée ; le client en est informé par e-mail."
    ),
    "A practice asked to take the file sees its name and who asks, nothing else, until it "
    "accepts.": (
        "Le cabinet sollicité voit le nom du dossier et qui le demande, rien d'autre, tant "
        "qu'il n'a pas accepté."
    ),
    "Asked on": "Demandé le",
    "Withdraw the request": "Retirer la demande",
    "asked by another user of the client": "demandé par un autre utilisateur du client",
    "The request was withdrawn; the practice can no longer accept it.": (
        "La demande est retirée ; le cabinet ne peut plus l'accepter."
    ),
    "Back to the list": "Retour à la liste",
    "Being deleted": "En cours de suppression",
    "Waiting for the grace period": "En attente de la fin du délai de grâce",
    "The client file is hidden and will be removed after {when}; until then the deletion "
    "can be cancelled from the list of files being deleted.": (
        "Le dossier client est masqué et sera effacé après le {when} ; d'ici là, la "
        "suppression peut être annulée depuis la liste des dossiers en cours de suppression."
    ),
    "Being extracted": "En cours d'extraction",
    "Being prepared": "En préparation",
    "Billing": "Facturation",
    "Cancel": "Annuler",
    "Cancel the deletion": "Annuler la suppression",
    "Cancelled": "Annulé",
    "Choose files, or drop them here": "Choisissez des fichiers, ou déposez-les ici",
    "Client": "Client",
    "Client users": "Utilisateurs du client",
    "Client users who keep access: {n}": "Utilisateurs du client qui gardent l'accès : {n}",
    "Connect the file to a practice of your choice.": (
        "Connectez le dossier au cabinet de votre choix."
    ),
    "Continue": "Continuer",
    "Date": "Date",
    "Deactivate": "Désactiver",
    "Deactivate the file": "Désactiver le dossier",
    "Deactivate this client file?": "Désactiver ce dossier client ?",
    "Deactivated": "Désactivé",
    "Delete": "Supprimer",
    "Delete the file": "Supprimer le dossier",
    "Delete this client file for good?": "Supprimer définitivement ce dossier client ?",
    "Detach": "Détacher",
    "Detach the file": "Détacher le dossier",
    "Detach this client file?": "Détacher ce dossier client ?",
    "Documents": "Documents",
    "Documents deleted: {n}": "Documents supprimés : {n}",
    "Documents sent for extraction again: {n}": "Documents renvoyés pour extraction : {n}",
    "Documents skipped: {n}": "Documents ignorés : {n}",
    "Documents that will be deleted: {n}": "Documents qui seront supprimés : {n}",
    "Documents waiting for extraction that will be skipped: {n}": (
        "Documents en attente d'extraction qui seront ignorés : {n}"
    ),
    "Documents: {n}": "Documents : {n}",
    "Done": "Terminé",
    "Done.": "C'est fait.",
    "Download": "Télécharger",
    "Due date": "Échéance",
    "E-mail address": "Adresse e-mail",
    "Every document and all data of the file are removed for good.": (
        "Tous les documents et toutes les données du dossier sont effacés définitivement."
    ),
    "Expired": "Expiré",
    "Export every document": "Exporter tous les documents",
    "Exports": "Exports",
    "Extracted": "Extrait",
    "Extracted fields": "Champs extraits",
    "Extractions deleted: {n}": "Extractions supprimées : {n}",
    "Failed": "Échec",
    "File": "Fichier",
    "Filter by status": "Filtrer par statut",
    "First page of": "Première page de",
    "Give a person of the client's business access to the file.": (
        "Donnez accès au dossier à une personne de l'entreprise cliente."
    ),
    "History": "Historique",
    "In progress": "En cours",
    "Included in your subscription": "Inclus dans votre abonnement",
    "Included in your practice's subscription": "Inclus dans l'abonnement de votre cabinet",
    "Your own subscription": "Votre propre abonnement",
    "Invite": "Inviter",
    "Invite a client user": "Inviter un utilisateur du client",
    "Language": "Langue",
    "Larger than the limit": "Dépasse la taille maximale",
    "Main": "Navigation principale",
    "Manage": "Gérer",
    "My clients": "Mes clients",
    "My files": "Mes dossiers",
    "Name (optional)": "Nom (facultatif)",
    "Net": "Hors taxes",
    "Newer": "Plus récents",
    "No client files here.": "Aucun dossier client ici.",
    "No documents yet": "Aucun document pour l'instant",
    "No preview": "Pas d'aperçu",
    "No subscription": "Sans abonnement",
    "Not available:": "Indisponible :",
    "Not found, or you have no access to it.": "Introuvable, ou vous n'y avez pas accès.",
    "Not sent": "Non envoyé",
    "Nothing has happened to this file yet.": "Rien ne s'est encore passé sur ce dossier.",
    "Number": "Numéro",
    "Older": "Plus anciens",
    "PDF, JPEG, PNG, text or e-invoice XML; each file is sent on its own.": (
        "PDF, JPEG, PNG, texte ou facture électronique XML ; chaque fichier est envoyé séparément."
    ),
    "Pages of documents": "Pages de documents",
    "Personal token": "Jeton personnel",
    "Preview": "Aperçu",
    "Progress": "Avancement",
    "Queued tasks withdrawn: {n}": "Tâches en file retirées : {n}",
    "Reactivate": "Réactiver",
    "Reactivate the file": "Réactiver le dossier",
    "Reactivate this client file?": "Réactiver ce dossier client ?",
    "Ready": "Prêt",
    "Received": "Reçu",
    "Refresh": "Actualiser",
    "Refused": "Refusé",
    "Schedule": "Planifier",
    "Scheduled": "Planifié",
    "Scheduled actions": "Actions planifiées",
    "Search": "Rechercher",
    "Search by name": "Rechercher par nom",
    "Send": "Envoyer",
    "Send for extraction again": "Renvoyer pour extraction",
    "Send {name} for extraction again": "Renvoyer {name} pour extraction",
    "Sending": "Envoi en cours",
    "Sign in": "Se connecter",
    "Sign in to Dossier": "Se connecter à Dossier",
    "Sign out": "Se déconnecter",
    "Skip to the content": "Aller au contenu",
    "Skipped": "Ignoré",
    "Skipped documents that can be sent again: {n}": (
        "Documents ignorés qui peuvent être renvoyés : {n}"
    ),
    "Something went wrong": "Un problème est survenu",
    "Status": "Statut",
    "Stored files deleted: {n}": "Fichiers stockés supprimés : {n}",
    "Stored files that will be deleted: {n}": "Fichiers stockés qui seront supprimés : {n}",
    "Subscribe": "Souscrire",
    "Supplier": "Fournisseur",
    "Take your own subscription": "Souscrire votre propre abonnement",
    "Take your own subscription?": "Souscrire votre propre abonnement ?",
    "Tax": "TVA",
    "The action is scheduled.": "L'action est planifiée.",
    "The client's own subscription": "Abonnement propre du client",
    "The document was sent for extraction again.": "Le document a été renvoyé pour extraction.",
    "The export is being prepared; reload the page to download it.": (
        "L'export est en préparation ; rechargez la page pour le télécharger."
    ),
    "The file is active again and its documents are extracted.": (
        "Le dossier est de nouveau actif et ses documents sont extraits."
    ),
    "The file is attached to the practice.": "Le dossier est rattaché au cabinet.",
    "The file leaves your practice; the client keeps it.": (
        "Le dossier quitte votre cabinet ; le client le conserve."
    ),
    "The name you typed is not the client's name; nothing was deleted.": (
        "Le nom saisi n'est pas celui du client ; rien n'a été supprimé."
    ),
    "The invitation was sent; the person gets access once they accept it.": (
        "L'invitation est envoyée ; la personne aura accès au dossier dès qu'elle l'aura acceptée."
    ),
    "The practice was asked to take the file; it is attached once they accept.": (
        "La demande est envoyée au cabinet ; le dossier y sera rattaché dès qu'il l'aura acceptée."
    ),
    "An e-mail address of the practice": "Une adresse e-mail du cabinet",
    "The scheduled action was cancelled.": "L'action planifiée a été annulée.",
    "The token starting with dos_ that your practice or the dossier admin token command gave "
    "you.": (
        "Le jeton commençant par dos_ que votre cabinet ou la commande dossier admin token vous "
        "a donné."
    ),
    "This could not be done": "Cela n'a pas pu être fait",
    "This token is not valid. Check it, or ask your practice for a new one.": (
        "Ce jeton n'est pas valide. Vérifiez-le, ou demandez-en un nouveau à votre cabinet."
    ),
    "Total": "Total",
    "Try again": "Réessayer",
    "Type the client's name to confirm:": "Saisissez le nom du client pour confirmer :",
    "Waiting for a worker": "En attente",
    "Waiting for extraction": "En attente d'extraction",
    "What this means for you": "Ce que cela signifie pour vous",
    "What this means for your client": "Ce que cela signifie pour votre client",
    "What this means for your practice": "Ce que cela signifie pour votre cabinet",
    "When": "Quand",
    "Without scripts, send one file at a time with the API.": (
        "Sans JavaScript, envoyez les fichiers un par un avec l'API."
    ),
    "You keep the file; extraction is suspended.": (
        "Vous gardez le dossier ; l'extraction est suspendue."
    ),
    "Your business pays for its own plan and extraction works again.": (
        "Votre entreprise paie sa propre offre et l'extraction fonctionne de nouveau."
    ),
    "Your own subscription now covers this file.": (
        "Votre propre abonnement couvre désormais ce dossier."
    ),
    "This form has expired or did not come from Dossier. Try again.": (
        "Ce formulaire a expiré ou ne vient pas de Dossier. Réessayez."
    ),
    "Choose a date and a time.": "Choisissez une date et une heure.",
    "The request is not valid.": "La demande n'est pas valide.",
    "Choose an action to schedule.": "Choisissez une action à planifier.",
}

FRENCH_BY_CODE = {
    "has_client_users": (
        "{users} du client voient ce dossier : il ne peut plus être supprimé, détachez-le plutôt."
    ),
    "reactivation_cooldown": (
        "Ce dossier client a été désactivé récemment ; il pourra être réactivé à partir du {until}."
    ),
    "retention_hold": (
        "Ce dossier client est sous conservation obligatoire jusqu'au {until} : il ne peut "
        "pas être supprimé avant."
    ),
    "quota_exceeded": (
        "Le quota de documents de l'abonnement est atteint : supprimez des documents ou "
        "augmentez le quota avant d'en ajouter."
    ),
    "export_limit_reached": (
        "Ce dossier client a déjà le nombre maximal d'exports ; téléchargez-les et attendez "
        "leur expiration avant d'en demander un autre."
    ),
    "export_not_ready": "Cet export n'est pas encore prêt à être téléchargé.",
    "schedule_not_pending": (
        "Cette action planifiée a déjà commencé ou a déjà eu lieu ; elle ne peut plus être annulée."
    ),
    "unreadable_document": _REASONS[
        "Dossier cannot read this document: it is damaged, encrypted, empty or holds no text."
    ],
    "upload_too_large": "Ce fichier dépasse la taille maximale acceptée.",
    "unsupported_file_type": "Dossier ne sait pas lire ce type de fichier.",
    "empty_upload": "Ce fichier est vide.",
    "invalid_input": "La demande n'est pas valide.",
    "not_found": "Introuvable, ou vous n'y avez pas accès.",
    "rate_limited": "Trop d'envois pour le moment ; réessayez dans un instant.",
    "unavailable": "La file des travaux est injoignable ; rien n'a été modifié. Réessayez.",
}


# Signing in by e-mail, accepting an invitation, a deletion's grace period.
_WAYS_IN = {
    "With a link by e-mail": "Avec un lien par e-mail",
    "With a personal token": "Avec un jeton personnel",
    "We send a link that signs you in, to the address of your Dossier account.": (
        "Nous envoyons un lien qui vous connecte, à l'adresse de votre compte Dossier."
    ),
    "Send me a sign-in link": "M'envoyer un lien de connexion",
    "If this address belongs to a Dossier account, a sign-in link is on its way to it. The "
    "link works once, within {n} minutes.": (
        "Si cette adresse est celle d'un compte Dossier, un lien de connexion vient d'y être "
        "envoyé. Il fonctionne une seule fois, dans les {n} minutes."
    ),
    "This sign-in link cannot be used: it has expired or was used already. Ask for a new one "
    "below.": (
        "Ce lien de connexion ne peut pas être utilisé : il a expiré ou a déjà servi. "
        "Demandez-en un nouveau ci-dessous."
    ),
    "You followed a sign-in link. It works once: continue to sign in.": (
        "Vous avez suivi un lien de connexion. Il ne fonctionne qu'une fois : continuez pour "
        "vous connecter."
    ),
    # The sign-in mail, written in the language of the page it was asked from.
    "Your link to sign in to Dossier": "Votre lien de connexion à Dossier",
    "Someone, probably you, asked to sign in to Dossier with this address.": (
        "Quelqu'un, sans doute vous, a demandé à se connecter à Dossier avec cette adresse."
    ),
    "To sign in, open this link:": "Pour vous connecter, ouvrez ce lien :",
    "The link works once, within {n} minutes.": (
        "Le lien fonctionne une seule fois, dans les {n} minutes."
    ),
    "If you did not ask for it, ignore this message: nobody can sign in without the link.": (
        "Si vous ne l'avez pas demandé, ignorez ce message : personne ne peut se connecter "
        "sans le lien."
    ),
    "Too many sign-in links asked for; wait before asking for another.": (
        "Trop de liens de connexion demandés ; attendez avant d'en demander un autre."
    ),
    "Too many failed authentications; wait before trying again.": (
        "Trop d'échecs d'authentification ; attendez avant de réessayer."
    ),
    # Invitations (app/domain/consent.py, app/console/welcome.py)
    "Accept an invitation": "Accepter une invitation",
    "You were invited to see a client file on Dossier, where its receipts and invoices are "
    "kept and read. Accepting gives you access to it and signs you in.": (
        "Vous êtes invité à consulter un dossier client sur Dossier, où ses tickets et "
        "factures sont conservés et lus. Accepter vous y donne accès et vous connecte."
    ),
    "Invitation code": "Code d'invitation",
    "The code starting with inv_ in your invitation mail.": (
        "Le code commençant par inv_ dans votre e-mail d'invitation."
    ),
    "Accept the invitation": "Accepter l'invitation",
    "Welcome": "Bienvenue",
    "The invitation is accepted: you can now see the client file {name}.": (
        "L'invitation est acceptée : vous voyez désormais le dossier client {name}."
    ),
    "Open the file": "Ouvrir le dossier",
    "Your personal token": "Votre jeton personnel",
    "It is shown this once. Keep it to use Dossier's API, or to sign in with it; you can "
    "also sign in with a link sent to your address.": (
        "Il n'est affiché que cette fois. Gardez-le pour utiliser l'API de Dossier ou pour "
        "vous connecter ; vous pouvez aussi vous connecter avec un lien envoyé à votre adresse."
    ),
    "This invitation is not valid: it may have expired, been used already or been revoked. "
    "Ask the person who invited you to send a new one.": (
        "Cette invitation n'est pas valide : elle a peut-être expiré, déjà servi ou été "
        "retirée. Demandez à la personne qui vous a invité de vous en envoyer une nouvelle."
    ),
    "This invitation has expired. Ask the person who invited you to send a new one.": (
        "Cette invitation a expiré. Demandez à la personne qui vous a invité de vous en "
        "envoyer une nouvelle."
    ),
    "This invitation was accepted already. Sign in to open the file.": (
        "Cette invitation a déjà été acceptée. Connectez-vous pour ouvrir le dossier."
    ),
    "This invitation was withdrawn by the person who sent it. Ask them for a new one if you "
    "still need access.": (
        "Cette invitation a été retirée par la personne qui l'avait envoyée. Demandez-lui-en "
        "une nouvelle si vous avez encore besoin d'accès."
    ),
    "This address belongs to an account of an accounting practice, which cannot be given "
    "access to a client's file. Ask for an invitation to another address.": (
        "Cette adresse est celle d'un compte de cabinet comptable, qui ne peut pas recevoir "
        "l'accès au dossier d'un client. Demandez une invitation à une autre adresse."
    ),
    # A deletion's grace period (app/services/grace.py)
    "Cancel the deletion of {name}?": "Annuler la suppression de {name} ?",
    "The file comes back as it was before the deletion, with all its documents.": (
        "Le dossier revient tel qu'il était avant la suppression, avec tous ses documents."
    ),
    "Documents that were waiting for extraction are sent again.": (
        "Les documents qui attendaient l'extraction sont renvoyés."
    ),
    "Otherwise it is removed for good after": "Sinon, il sera effacé définitivement après le",
    "Removed for good after": "Effacé définitivement après le",
    "Keep the file": "Garder le dossier",
    "Back": "Retour",
    "The deletion was cancelled: the file is back as it was.": (
        "La suppression est annulée : le dossier est revenu tel qu'il était."
    ),
    # Retention holds (app/services/holds.py)
    "Retention hold": "Conservation obligatoire",
    "Held until": "Conservé jusqu'au",
    "The file cannot be deleted while the hold lasts.": (
        "Le dossier ne peut pas être supprimé tant que la conservation dure."
    ),
    "Lift the hold": "Lever la conservation",
    "A hold keeps the file from being deleted until a date: a tax audit, a dispute, a legal "
    "retention period.": (
        "Une conservation empêche la suppression du dossier jusqu'à une date : un contrôle "
        "fiscal, un litige, une durée légale de conservation."
    ),
    "Why the file is held": "Motif de la conservation",
    "Until": "Jusqu'au",
    "Place a hold": "Placer une conservation",
    "Replace the hold": "Remplacer la conservation",
    "The retention hold is placed: the file cannot be deleted until it ends.": (
        "La conservation est en place : le dossier ne peut pas être supprimé avant sa fin."
    ),
    "The retention hold is lifted.": "La conservation est levée.",
    "The hold must end in the future.": "La conservation doit se terminer dans le futur.",
    # Events of the history
    "Deletion asked for": "Suppression demandée",
    "Deletion cancelled": "Suppression annulée",
    "Invitation accepted": "Invitation acceptée",
    "Invitation withdrawn": "Invitation retirée",
    "Client user removed": "Utilisateur du client retiré",
    "Retention hold placed": "Conservation placée",
    "Retention hold lifted": "Conservation levée",
}

FRENCH: dict[str, str] = {
    **_RULES,
    **_CONSEQUENCES,
    **_REASONS,
    **_SERVICES,
    **_CONSOLE,
    **_WAYS_IN,
}
