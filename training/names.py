"""Seeded word lists for the people, companies, places and goods on generated invoices.

Every company is invented from a surname or a made-up brand word, a trade word and the
country's legal form; none is taken from a list of real companies.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "given": ("Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Jack", "Grace", "Noah",
                  "Emily", "Samuel", "Ruth", "Daniel", "Claire", "Thomas", "Megan"),
        "surname": ("Ashworth", "Pemberton", "Hollis", "Whitcombe", "Thornbury", "Caldwell",
                    "Fairbrook", "Lindqvist", "Marlowe", "Oakley", "Redfern", "Stanway"),
        "brand": ("Brightwell", "Northgate", "Kestrel", "Bluefield", "Ironbridge", "Silverlake",
                  "Harbourline", "Greystone", "Foxglove", "Larkspur"),
        "trade": ("Consulting", "Logistics", "Print Works", "Software", "Facilities",
                  "Engineering", "Catering", "Electrical", "Design Studio", "Supplies",
                  "Energy", "Cleaning Services"),
        "street": ("High Street", "Station Road", "Mill Lane", "Church Road", "Victoria Street",
                   "Park Avenue", "Queens Road", "Market Place", "Elm Grove"),
        "city": ("GB:London SW1A 2BB", "GB:Manchester M1 4ET", "GB:Leeds LS1 3EX",
                 "GB:Bristol BS1 5TR", "GB:Edinburgh EH2 4AD", "IE:Dublin D02 X285",
                 "IE:Cork T12 K8AF", "IE:Galway H91 E2K3", "US:Austin, TX 78701",
                 "US:Denver, CO 80202", "US:Portland, OR 97205"),
    },
    "fr": {
        "given": ("Camille", "Louis", "Chloé", "Hugo", "Manon", "Julien", "Élodie", "Mathieu",
                  "Léa", "Antoine", "Inès", "Nicolas"),
        "surname": ("Delaunay", "Mercier", "Fontaine", "Lemaître", "Garnier", "Rousseau",
                    "Chevalier", "Dumont", "Perrin", "Marchand", "Vasseur", "Leclercq"),
        "brand": ("Azurine", "Bellerive", "Clairval", "Montaubert", "Vertmont", "Sablon",
                  "Roselière", "Hautefeuille"),
        "trade": ("Conseil", "Transports", "Imprimerie", "Informatique", "Bâtiment",
                  "Électricité", "Traiteur", "Nettoyage", "Études", "Distribution", "Énergie"),
        "street": ("rue de la République", "avenue Jean Jaurès", "boulevard Voltaire",
                   "rue des Lilas", "chemin des Vignes", "place du Marché", "rue Victor Hugo"),
        "city": ("FR:75011 Paris", "FR:69003 Lyon", "FR:33000 Bordeaux", "FR:31000 Toulouse",
                 "FR:44000 Nantes", "FR:59000 Lille", "BE:1000 Bruxelles", "BE:4000 Liège",
                 "BE:5000 Namur", "CH:1201 Genève", "CH:1003 Lausanne", "CH:2000 Neuchâtel"),
    },
    "de": {
        "given": ("Lukas", "Anna", "Jonas", "Marie", "Felix", "Sophie", "Tobias", "Laura",
                  "Matthias", "Katrin", "Stefan", "Julia", "Andreas", "Sabine"),
        "surname": ("Brandtner", "Hellwig", "Kössler", "Wendt", "Vogelsang", "Reichert",
                    "Lindemann", "Obermaier", "Strobel", "Hartung", "Seidlitz", "Kornmann"),
        "brand": ("Nordlicht", "Alpenblick", "Rheinwerk", "Elbtal", "Sonnfeld", "Waldkauz",
                  "Lindenhof", "Bergquell"),
        "trade": ("Haustechnik", "Logistik", "Druckerei", "Software", "Unternehmensberatung",
                  "Elektrotechnik", "Gebäudereinigung", "Maschinenbau", "Energie",
                  "Metallbau", "Catering", "Medien"),
        "street": ("Hauptstraße", "Bahnhofstraße", "Lindenweg", "Am Markt", "Industriestraße",
                   "Gartenstraße", "Schulstraße", "Mühlenweg", "Kirchplatz"),
        "city": ("DE:10115 Berlin", "DE:80331 München", "DE:50667 Köln", "DE:20095 Hamburg",
                 "DE:70173 Stuttgart", "DE:04109 Leipzig", "AT:1010 Wien", "AT:8010 Graz",
                 "AT:5020 Salzburg", "CH:8001 Zürich", "CH:3011 Bern", "CH:4051 Basel"),
    },
    "nl": {
        "given": ("Daan", "Sanne", "Bram", "Lotte", "Joris", "Eva", "Thijs", "Femke", "Ruben",
                  "Anouk", "Pieter", "Ilse"),
        "surname": ("de Vries", "van Dijk", "Bakker", "Jansen", "Visser", "Smit", "Mulder",
                    "de Graaf", "van Leeuwen", "Peeters", "Claes", "Willems"),
        "brand": ("Polderzicht", "Duinhoek", "Grachtwerk", "Lindeboom", "Zeewind",
                  "Heidepark", "Molenvliet"),
        "trade": ("Advies", "Transport", "Drukkerij", "Software", "Installatietechniek",
                  "Schoonmaak", "Bouw", "Catering", "Energie", "Ontwerp"),
        "street": ("Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Prinsengracht",
                   "Industrieweg", "Marktplein", "Lindenlaan"),
        "city": ("NL:1012 AB Amsterdam", "NL:3011 CD Rotterdam", "NL:3511 EF Utrecht",
                 "NL:9711 GH Groningen", "NL:5611 JK Eindhoven", "BE:2000 Antwerpen",
                 "BE:9000 Gent", "BE:3000 Leuven"),
    },
    "es": {
        "given": ("Lucía", "Pablo", "Carmen", "Javier", "Marta", "Sergio", "Elena", "Álvaro",
                  "Paula", "Diego", "Nuria", "Raúl"),
        "surname": ("García Roldán", "Martín Ibáñez", "Navarro", "Ortega", "Castillo", "Molina",
                    "Serrano", "Vidal", "Romero", "Santos", "Prieto", "Cabrera"),
        "brand": ("Solmar", "Altavista", "Riberal", "Montesur", "Olivares", "Brisamar",
                  "Peñablanca"),
        "trade": ("Consultores", "Transportes", "Artes Gráficas", "Informática",
                  "Instalaciones", "Limpiezas", "Construcciones", "Catering", "Energía",
                  "Suministros"),
        "street": ("Calle Mayor", "Avenida de la Constitución", "Calle Real", "Paseo del Prado",
                   "Calle del Sol", "Avenida de Andalucía", "Plaza de España"),
        "city": ("ES:28013 Madrid", "ES:08002 Barcelona", "ES:46001 Valencia", "ES:41001 Sevilla",
                 "ES:50001 Zaragoza", "ES:29001 Málaga", "ES:48001 Bilbao"),
    },
    "it": {
        "given": ("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo", "Sara",
                  "Alessandro", "Elisa", "Davide", "Valentina", "Paolo"),
        "surname": ("Bianchini", "Colombo", "Ferrara", "Galli", "Moretti", "Rinaldi",
                    "Santoro", "Testa", "Vitale", "Marchetti", "Lombardi", "Fontana"),
        "brand": ("Aurora", "Belvedere", "Montalba", "Serenella", "Valdoro", "Stellamare",
                  "Castelverde"),
        "trade": ("Consulenze", "Trasporti", "Tipografia", "Informatica", "Impianti",
                  "Pulizie", "Costruzioni", "Ristorazione", "Energia", "Forniture"),
        "street": ("Via Roma", "Corso Italia", "Via Garibaldi", "Via Mazzini", "Piazza Duomo",
                   "Viale dei Mille", "Via Verdi"),
        "city": ("IT:20121 Milano", "IT:00184 Roma", "IT:10121 Torino", "IT:40121 Bologna",
                 "IT:50123 Firenze", "IT:80133 Napoli", "CH:6900 Lugano", "CH:6500 Bellinzona"),
    },
}  # fmt: skip

ITEMS: dict[str, tuple[str, ...]] = {
    "en": ("Consulting services", "Project management", "Software licence (annual)",
           "Maintenance contract", "Installation work", "Printer toner cartridges",
           "Office chairs", "Delivery and handling", "Hosting package", "On-site support",
           "Training workshop", "Copy paper A4, 5 reams", "Cable set", "Design revisions"),
    "fr": ("Prestation de conseil", "Gestion de projet", "Licence logicielle annuelle",
           "Contrat de maintenance", "Main d'œuvre installation", "Cartouches d'encre",
           "Fauteuils de bureau", "Frais de port", "Hébergement web", "Assistance sur site",
           "Formation", "Ramettes papier A4", "Câblage réseau", "Déplacement"),
    "de": ("Beratungsleistung", "Projektleitung", "Softwarelizenz (jährlich)",
           "Wartungsvertrag", "Montagearbeiten", "Tonerkartuschen", "Bürostühle",
           "Versandkosten", "Webhosting Paket", "Vor-Ort-Service", "Schulung",
           "Kopierpapier A4", "Kabelsatz", "Anfahrtspauschale"),
    "nl": ("Adviesdiensten", "Projectbegeleiding", "Softwarelicentie (jaar)",
           "Onderhoudscontract", "Installatiewerk", "Tonercartridges", "Bureaustoelen",
           "Verzendkosten", "Hostingpakket", "Ondersteuning op locatie", "Training",
           "Kopieerpapier A4", "Kabelset", "Voorrijkosten"),
    "es": ("Servicios de consultoría", "Gestión de proyecto", "Licencia de software anual",
           "Contrato de mantenimiento", "Mano de obra instalación", "Cartuchos de tóner",
           "Sillas de oficina", "Portes", "Alojamiento web", "Asistencia in situ", "Formación",
           "Papel A4", "Juego de cables", "Desplazamiento"),
    "it": ("Consulenza", "Gestione progetto", "Licenza software annuale",
           "Contratto di manutenzione", "Manodopera installazione", "Cartucce toner",
           "Sedie da ufficio", "Spese di trasporto", "Hosting web", "Assistenza in loco",
           "Corso di formazione", "Carta A4", "Set di cavi", "Trasferta"),
}  # fmt: skip

# Things sold over a counter, for till receipts.
GOODS: dict[str, tuple[str, ...]] = {
    "en": ("Milk 1L", "Sourdough loaf", "Apples 1kg", "Coffee beans", "Orange juice",
           "Cheddar", "Pasta 500g", "Flat white", "Croissant", "Tomatoes", "Eggs x6"),
    "fr": ("Lait 1L", "Baguette", "Pommes 1kg", "Café moulu", "Jus d'orange", "Comté",
           "Pâtes 500g", "Café crème", "Croissant", "Tomates", "Œufs x6"),
    "de": ("Vollmilch 1L", "Bauernbrot", "Äpfel 1kg", "Kaffee Bohnen", "Orangensaft",
           "Gouda", "Nudeln 500g", "Cappuccino", "Butterbrezel", "Tomaten", "Eier 6er"),
    "nl": ("Melk 1L", "Volkorenbrood", "Appels 1kg", "Koffiebonen", "Sinaasappelsap",
           "Goudse kaas", "Pasta 500g", "Cappuccino", "Croissant", "Tomaten", "Eieren 6st"),
    "es": ("Leche 1L", "Pan de pueblo", "Manzanas 1kg", "Café en grano", "Zumo de naranja",
           "Queso manchego", "Pasta 500g", "Café con leche", "Croissant", "Tomates",
           "Huevos x6"),
    "it": ("Latte 1L", "Pane casereccio", "Mele 1kg", "Caffè in grani", "Succo d'arancia",
           "Parmigiano", "Pasta 500g", "Cappuccino", "Cornetto", "Pomodori", "Uova x6"),
}  # fmt: skip

# Fuel by its pump name, for fuel station receipts.
FUELS: dict[str, tuple[str, ...]] = {
    "en": ("Unleaded 95", "Diesel", "Super Unleaded"),
    "fr": ("SP95-E10", "Gazole", "SP98"),
    "de": ("Super E10", "Diesel", "Super Plus"),
    "nl": ("Euro 95 E10", "Diesel", "Super Plus 98"),
    "es": ("Gasolina 95", "Gasóleo A", "Gasolina 98"),
    "it": ("Benzina", "Gasolio", "Benzina 100 ottani"),
}

SOFTWARE = (
    "LedgerLite 4.2",
    "FakturaPro",
    "Invoicely Desk",
    "ZUGFeRD 2.1",
    "Factur-X EN16931",
    "XRechnung 3.0",
    "PDF/A-3",
    "BillCraft Online",
    "ContaFacile 7",
    "KassenSys 2.3",
)


def cities(language: str, country: str) -> tuple[str, ...]:
    """Postcode and town of `country`, as its addresses write them."""
    marker = f"{country}:"
    return tuple(
        city.removeprefix(marker) for city in WORDS[language]["city"] if city.startswith(marker)
    )
