"""The 2021 round of the call, with its text, info session and contact persons, as data."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import migrations

BRUSSELS = ZoneInfo("Europe/Brussels")

WAT = """De afdeling ESF&DO gaat op zoek naar enthousiaste netwerkorganisaties om in de toekomst samen met ons werk te maken van competentiechecks bij ondernemingen in Vlaanderen.

Op 14 december 2020 ondertekende de Vlaamse regering, samen met de vakbonden en de werkgevers het sociaal akkoord ‘alle hens aan dek’. De Vlaamse Regering en de Vlaamse sociale partners hebben dit akkoord gesloten voor een krachtige, duurzame relance en transformatie van de Vlaamse arbeidsmarkt. Het ambitieuze akkoord focust op drie prioriteiten: een opleiding- en loopbaanoffensief, een inclusieve en mensgerichte digitalisering en een strategie gericht op een duurzame tewerkstelling voor iedereen. Het akkoord voorziet onder meer ook het initiatief ‘Competentiechecks’.

Voor de uitvoering hiervan wil de afdeling ESF&DO graag toekomstige samenwerkingen aangaan. We willen in heel Vlaanderen initiatieven stimuleren, zodat zo veel mogelijk partnerschappen tot stand komen en die de effectiviteit van de competentiechecks vergroten."""

HOE = """We lanceren eerst deze uitnodiging ‘wie heeft interesse om hier samen met ons aan te werken?’ Via het formulier op dit portaal kunt u uw interesse duidelijk maken en beantwoordt u beknopt een aantal vragen.
Op basis van deze info zal de afdeling ESF&DO in kaart brengen welke organisaties samengebracht kunnen worden en met hen in gesprek gaan om hun interesses te duiden. Organisaties zullen gebundeld worden op basis van gelijkwaardige competentie-uitdagingen, een keten die gevormd wordt, specifieke generieke skills …
Uitwerken subsidieoproep."""

WIE = """We richten ons voornamelijk tot de sectorfondsen en sectorfederaties. Ook andere netwerkorganisaties zoals ledenorganisaties, werkgevers- en werknemersvertegenwoordigingsorganisaties ... kunnen hun interesse aangeven om mee te werken aan dit verhaal. Wij gaan op basis van de getoonde interesse bekijken welke partners we rond dezelfde tafel kunnen zetten om onderling samen te werken.

Het partnerschap kan steeds wijzigen gedurende de uitvoeringsperiode indien blijkt dat er bijkomende interesse is of indien er bijkomende expertise nodig is."""

VOORWAARDEN = """Heeft rechtspersoonlijkheid.
Heeft zijn zetel en werking in het Vlaams Gewest of heeft zijn zetel in het Brussels Hoofdstedelijke Gewest, waarbij zijn activiteiten en werking voor een belangrijk deel zijn gericht op de Vlaamse arbeidsmarkt.
Is bereid om in partnerschap samen te werken om competentiechecks uit te voeren bij Vlaamse ondernemingen en hun werknemers."""

DOELGROEP = """De prioritaire doelgroep zijn Vlaamse ondernemingen tot en met 50 werknemers. Ook iets grotere ondernemingen (Europese definitie KMO) kunnen gebruik maken van competentiechecks voor hun werknemers maar de primaire focus ligt bij kleine ondernemingen."""

ACTIES = """Bedoeling is dat de Vlaamse ondernemingen tools en methodieken worden aangereikt zodat zij zelf actief aan de slag kunnen met het competentiedenken binnen hun onderneming. Er moeten stappen gezet worden zodat de ondernemingen en de werknemers bewust zijn van hun competenties. En dit steeds op maat van de onderneming. Wij verwachten dat een voldoende kritisch aantal werknemers (te bepalen in functie van de grootte en noden van de onderneming) effectief hun competenties in kaart laten brengen, zo de toegevoegde waarde ervan effectief ondervinden en dan kunnen zij de ambassadeurs worden om hier verder mee aan de slag te gaan. Belangrijk is dat dit ook steeds gefinaliseerd wordt in een plan van aanpak (voor zowel de onderneming als de werknemers).

Er kan flexibel worden omgegaan met het opzetten en uitvoeren van de competentiechecks. Er moet toekomstgericht ingezet worden op competenties en de checks vanuit dat oogpunt mee vorm te geven. Tevens is het belangrijk om de check uit te voeren in functie van de noden en behoeften van de werknemers. We reiken bij wijze van voorbeeld een aantal thema’s en handvaten aan waarrond competentiechecks opgevat kunnen worden.

De invulling ligt nog volledig open. Wij nemen mee wat aangegeven wordt in de verkenningsronde en de invulling zal concreet vorm krijgen via onderhandeling met alle betrokken partijen en de afdeling ESF&DO."""

THEMAS = """Competentiecheck vormgeven vanuit behoeftedetectie en daarbij evolueren richting een opleidingsplan voor de werknemers. Hierbij kan de organisatie in zijn globaliteit bekeken worden.
Competentiecheck vormgeven vanuit de nood of behoefte om te evolueren en door te groeien van (een gedeelte van) de werknemers naar andere functies. Hierbij wordt een groep van werknemers bekeken vanuit bepaalde functies.
Competentiecheck vormgeven vanuit een thematische screening waarbij gefocust wordt op bijvoorbeeld digitale/21ste-eeuwse/groene vaardigheden.
Competentiecheck vormgeven vanuit wat nodig is voor bijvoorbeeld nieuwe werknemers versus wat ervaren werknemers aan kennis en vaardigheden kunnen overdragen.
Andere: …"""

PARTNERSCHAP_ACTIES = """Samenwerking (regierol): coördinatie, planning, administratie richting ondernemingen, administratie samenwerkingsverband, aanspreekpunt ondernemingen alsook rekrutering, opvolgen trajecten, aansturen experts en onderaannemers.
Leren: inhoudelijk samenwerken rond het thema, onderzoeken van de effectiviteit o.v.v. competentie denken in organisaties, lessen trekken/goede praktijken detecteren.
Communicatie: reclame maken/campagne opzetten om de juiste ondernemingen te bereiken.
Opzetten competentiechecks: analyse opzetten om de huidige competenties te screenen en in kaart te brengen alsook een plan van aanpak/ontwikkeladviezen op te stellen om hier verder concreet mee aan de slag te gaan."""

WANNEER = """Verkenningsronde: open van 28/06/21 tot 31/08/21
Gesprekken en uitwerken subsidieoproep: najaar"""

CONTACTS = [
    ("Catherine Bonnarens", "0492 15 82 55"),
    ("Sofie Bogaerts", "0486 91 15 51"),
    ("Stefaan Windels", "0468 15 93 18"),
    ("Stephanie Beavis", "02/552 83 02"),
]


def create_round(apps, schema_editor):
    Ronde = apps.get_model("verkenning", "Ronde")
    Contactpersoon = apps.get_model("verkenning", "Contactpersoon")
    ronde, created = Ronde.objects.get_or_create(
        slug="competentiechecks-2021",
        defaults={
            "titel": "Wie maakt werk van competentiechecks in Vlaamse ondernemingen?",
            "ondertitel": "Verkenningsronde competentiechecks 2021",
            "opent_op": datetime(2021, 6, 28, 0, 0, 0, tzinfo=BRUSSELS),
            "sluit_op": datetime(2021, 8, 31, 23, 59, 59, tzinfo=BRUSSELS),
            "referentie_prefix": "CC2021",
            "wat": WAT,
            "hoe": HOE,
            "wie": WIE,
            "voorwaarden": VOORWAARDEN,
            "doelgroep": DOELGROEP,
            "acties": ACTIES,
            "themas": THEMAS,
            "partnerschap_acties": PARTNERSCHAP_ACTIES,
            "wanneer": WANNEER,
            "voorbehoud": "Deze verkenningsronde garandeert geen effectieve toekenning van "
                          "middelen.",
            "infosessie_op": date(2021, 7, 8),
            "infosessie_tekst": "Op 8 juli 2021 organiseerden we een digitale infosessie. "
                                "U kunt die herbekijken.",
        },
    )
    if created:
        for order, (naam, telefoon) in enumerate(CONTACTS):
            Contactpersoon.objects.create(ronde=ronde, naam=naam, telefoon=telefoon,
                                          volgorde=order)


def remove_round(apps, schema_editor):
    apps.get_model("verkenning", "Ronde").objects.filter(slug="competentiechecks-2021").delete()


class Migration(migrations.Migration):
    dependencies = [("verkenning", "0001_initial")]
    operations = [migrations.RunPython(create_round, remove_round)]
