"""Fixed reference data of the generator: countries, stores, catalogue, names and texts.

Everything here must agree with the seeds (currencies with ``seeds/exchange_rates.csv``,
event names with ``seeds/interaction_taxonomy.csv``, placeholders with
``seeds/blocked_identifiers.csv``); ``python/tests/test_generate.py`` checks that it does.
"""

from __future__ import annotations

import numpy as np

# --- countries -----------------------------------------------------------------------------

COUNTRIES = ("US", "CA", "GB", "DE", "FR", "NL", "ES")
COUNTRY_WEIGHTS = np.array([0.40, 0.08, 0.16, 0.14, 0.10, 0.06, 0.06])
CURRENCIES = ("USD", "CAD", "GBP", "EUR")
RATE_TO_USD = np.array([1.0, 0.73, 1.27, 1.08])  # as in seeds/exchange_rates.csv
COUNTRY_CURRENCY = np.array([0, 1, 2, 3, 3, 3, 3])
# Rough UTC offset of where people live, only to shape the time of day of their activity.
COUNTRY_UTC_OFFSET_H = np.array([-6, -5, 0, 1, 1, 1, 1])
CALLING_CODE = ("1", "1", "44", "49", "33", "31", "34")
NANP = np.array([True, True, False, False, False, False, False])  # calling code 1

# --- cities: (country index, name, IANA zone, phone area code) ---------------------------
# Area codes all have the same length within a country, except in Germany where the
# lengths differ and so do the resulting national numbers: E.164 values never collide.

CITIES = (
    (0, "New York", "America/New_York", "212"),
    (0, "Boston", "America/New_York", "617"),
    (0, "Miami", "America/New_York", "305"),
    (0, "Chicago", "America/Chicago", "312"),
    (0, "Austin", "America/Chicago", "512"),
    (0, "Denver", "America/Denver", "303"),
    (0, "Los Angeles", "America/Los_Angeles", "213"),
    (0, "Seattle", "America/Los_Angeles", "206"),
    (1, "Toronto", "America/Toronto", "416"),
    (1, "Montréal", "America/Toronto", "514"),
    (1, "Vancouver", "America/Vancouver", "604"),
    (1, "Calgary", "America/Edmonton", "403"),
    (2, "London", "Europe/London", "207"),
    (2, "Manchester", "Europe/London", "161"),
    (2, "Bristol", "Europe/London", "117"),
    (2, "Edinburgh", "Europe/London", "131"),
    (3, "Berlin", "Europe/Berlin", "30"),
    (3, "München", "Europe/Berlin", "89"),
    (3, "Hamburg", "Europe/Berlin", "40"),
    (3, "Köln", "Europe/Berlin", "221"),
    (4, "Paris", "Europe/Paris", "14"),
    (4, "Lyon", "Europe/Paris", "47"),
    (4, "Marseille", "Europe/Paris", "49"),
    (5, "Amsterdam", "Europe/Amsterdam", "20"),
    (5, "Rotterdam", "Europe/Amsterdam", "10"),
    (5, "Utrecht", "Europe/Amsterdam", "30"),
    (6, "Madrid", "Europe/Madrid", "91"),
    (6, "Barcelona", "Europe/Madrid", "93"),
    (6, "Valencia", "Europe/Madrid", "96"),
)
CITY_COUNTRY = np.array([c[0] for c in CITIES])
CITY_NAMES = tuple(c[1] for c in CITIES)
ZONES = tuple(sorted({c[2] for c in CITIES}))
CITY_ZONE = np.array([ZONES.index(c[2]) for c in CITIES])
CITY_AREA = tuple(c[3] for c in CITIES)
COUNTRY_CITY_START = np.array([min(np.flatnonzero(k == CITY_COUNTRY)) for k in range(7)])
COUNTRY_CITY_COUNT = np.array([int((k == CITY_COUNTRY).sum()) for k in range(7)])

# --- stores: (store_id, name, city index, IANA zone) ----------------------------------------

STORES = (
    ("ST01", "Omni New York Fifth Avenue", 0, "America/New_York"),
    ("ST02", "Omni Chicago Loop", 3, "America/Chicago"),
    ("ST03", "Omni Denver Union Station", 5, "America/Denver"),
    ("ST04", "Omni Los Angeles Grove", 6, "America/Los_Angeles"),
    ("ST05", "Omni Toronto Eaton Centre", 8, "America/Toronto"),
    ("ST06", "Omni Vancouver Robson", 10, "America/Vancouver"),
    ("ST07", "Omni London Oxford Street", 12, "Europe/London"),
    ("ST08", "Omni Manchester Arndale", 13, "Europe/London"),
    ("ST09", "Omni Berlin Mitte", 16, "Europe/Berlin"),
    ("ST10", "Omni München Marienplatz", 17, "Europe/Berlin"),
    ("ST11", "Omni Paris Rivoli", 20, "Europe/Paris"),
    ("ST12", "Omni Amsterdam Kalverstraat", 23, "Europe/Amsterdam"),
    ("ST13", "Omni Madrid Gran Vía", 26, "Europe/Madrid"),
)
STORE_IDS = tuple(s[0] for s in STORES)
STORE_COUNTRY = np.array([CITY_COUNTRY[s[2]] for s in STORES])
STORE_ZONES = tuple(s[3] for s in STORES)
# Stores are listed grouped by country, so each country's stores are a contiguous range.
COUNTRY_STORE_START = np.array([min(np.flatnonzero(k == STORE_COUNTRY)) for k in range(7)])
COUNTRY_STORE_COUNT = np.array([int((k == STORE_COUNTRY).sum()) for k in range(7)])
CITY_STORE = np.array([next((i for i, s in enumerate(STORES) if s[2] == c), -1) for c in range(29)])

# --- catalogue -------------------------------------------------------------------------------

CATEGORIES = ("shoes", "apparel", "accessories", "home", "beauty")
N_SKUS = 400


def _catalogue() -> tuple[np.ndarray, np.ndarray]:
    """Category and price in cents per currency (prices end in .99) of every SKU."""
    rng = np.random.default_rng(20260101)  # fixed: the catalogue is the same for every seed
    category = rng.integers(0, len(CATEGORIES), N_SKUS)
    usd = np.clip(rng.lognormal(np.log(35.0), 0.7, N_SKUS), 4.0, 400.0)
    local = usd[None, :] / RATE_TO_USD[:, None]
    cents = np.floor(local).astype(np.int64) * 100 + 99
    return category, cents


SKU_CATEGORY, SKU_PRICE_CENTS = _catalogue()

# --- people ----------------------------------------------------------------------------------

# (as written in the CRM, ASCII form used in emails and handles)
FIRST_NAMES = (
    ("Jane", "jane"),
    ("John", "john"),
    ("Maria", "maria"),
    ("José", "jose"),
    ("Zoë", "zoe"),
    ("Liam", "liam"),
    ("Emma", "emma"),
    ("Noah", "noah"),
    ("Olivia", "olivia"),
    ("Lucas", "lucas"),
    ("Chloé", "chloe"),
    ("Søren", "soren"),
    ("Jürgen", "jurgen"),
    ("Amélie", "amelie"),
    ("Sofia", "sofia"),
    ("Mateo", "mateo"),
    ("Aisha", "aisha"),
    ("Wei", "wei"),
    ("Priya", "priya"),
    ("Ethan", "ethan"),
    ("Hannah", "hannah"),
    ("Lena", "lena"),
    ("Finn", "finn"),
    ("Léa", "lea"),
    ("Hugo", "hugo"),
    ("Daan", "daan"),
    ("Sanne", "sanne"),
    ("Lucía", "lucia"),
    ("Pablo", "pablo"),
    ("Grace", "grace"),
    ("Oliver", "oliver"),
    ("Amelia", "amelia"),
    ("Mohammed", "mohammed"),
    ("Fatima", "fatima"),
    ("Kenji", "kenji"),
    ("Yuki", "yuki"),
    ("Chloe", "chloe"),
    ("Jack", "jack"),
    ("Isla", "isla"),
    ("Mia", "mia"),
)
LAST_NAMES = (
    ("Doe", "doe"),
    ("Smith", "smith"),
    ("Müller", "muller"),
    ("García", "garcia"),
    ("O'Brien", "obrien"),
    ("Nguyen", "nguyen"),
    ("Martin", "martin"),
    ("Dubois", "dubois"),
    ("de Vries", "devries"),
    ("Jansen", "jansen"),
    ("Schmidt", "schmidt"),
    ("López", "lopez"),
    ("Brown", "brown"),
    ("Wilson", "wilson"),
    ("Tremblay", "tremblay"),
    ("Roy", "roy"),
    ("Taylor", "taylor"),
    ("Evans", "evans"),
    ("Weber", "weber"),
    ("Fischer", "fischer"),
    ("Lefèvre", "lefevre"),
    ("Moreau", "moreau"),
    ("Bakker", "bakker"),
    ("Visser", "visser"),
    ("Fernández", "fernandez"),
    ("Ruiz", "ruiz"),
    ("Johnson", "johnson"),
    ("Lee", "lee"),
    ("Patel", "patel"),
    ("Khan", "khan"),
    ("Kim", "kim"),
    ("Chen", "chen"),
)
EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example", "inbox.example")

# --- channels' vocabularies -----------------------------------------------------------------

WEB_EVENTS = (
    "page_view",
    "login",
    "sign_up",
    "form_submit",
    "view_item",
    "add_to_cart",
    "remove_from_cart",
    "begin_checkout",
    "purchase",
)
APP_EVENTS = (
    "app_open",
    "login",
    "screen_view",
    "product_view",
    "add_to_cart",
    "remove_from_cart",
    "begin_checkout",
    "purchase",
    "push_received",
    "push_opened",
)
EMAIL_ACTIONS = ("sent", "open", "click", "bounce", "unsubscribe", "abuse")
SOCIAL_TYPES = ("like", "comment", "share", "mention", "dm", "follow")
SOCIAL_TYPE_WEIGHTS = np.array([0.35, 0.2, 0.1, 0.12, 0.13, 0.1])
SOCIAL_PLATFORMS = ("instagram", "facebook", "tiktok")
DEVICE_CATEGORIES = ("desktop", "mobile", "tablet")
APP_PLATFORMS = ("iOS", "Android")
UTMS = (
    ("google", "cpc", "brand_search"),
    ("google", "cpc", "generic_search"),
    ("newsletter", "email", "weekly_newsletter"),
    ("instagram", "social", "new_season"),
    ("facebook", "paid_social", "retargeting"),
    ("partner_blog", "referral", "affiliate"),
)

# Names the warehouse's taxonomy does not map (real SDKs and tags send such events).
UNMAPPED_WEB = ("scroll", "video_start", "file_download", "click_outbound", "first_visit")
UNMAPPED_APP = ("app_update", "deep_link_opened", "rating_prompt_shown", "session_start")

CAMPAIGN_NAMES = (
    "New season, new you",
    "Weekend sale: up to 30% off",
    "Your points are waiting 🎁",
    "Free shipping, this week only",
    'Back in stock: your "favourites"',
    "Last chance, ends tonight",
    "Members' early access",
)

# (subject template, tags, category); {order} is replaced with an order number.
TICKET_TOPICS = (
    ("Where is my order #{order}?", "late_delivery", 0),
    ("Order #{order} arrived damaged, need a refund 😞", "damaged;refund", 1),
    ('Wrong size received - "M" instead of "L"', "wrong_item;exchange", 2),
    ("Refund not received, it's been 2 weeks", "refund", 3),
    ("Exchange request\nOrder #{order}: colour not as pictured", "exchange", 2),
    ('Promo code "WELCOME10" does not work, please help', "promo", 4),
    ("Delivery late 🚚, order #{order}\nPlease advise", "late_delivery", 0),
    ("Charged twice for order #{order}, please fix ASAP!!", "billing;refund", 5),
    ("Question about care instructions 😊", "product_question", 6),
)
TICKET_VIA = ("email", "web", "chat", "phone", "social")
TICKET_VIA_WEIGHTS = np.array([0.4, 0.25, 0.2, 0.1, 0.05])
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")

# (text, sentiment in hundredths)
SOCIAL_TEXTS = (
    ("Love my new sneakers 😍", 85),
    ("Shipping took forever, not impressed 😤", -60),
    ("when does the sale start?", 5),
    ('Great service, thanks "Anna" at the store!', 90),
    ("Colour faded after one wash, disappointed", -55),
    ("Just got my order, so happy!! 🎉🎉", 92),
    ("Is this available in size 42, or only online?", 0),
    ("Worst checkout experience ever 👎", -88),
)

# --- quirk values ----------------------------------------------------------------------------

# Placeholders as they are typed; all are in seeds/blocked_identifiers.csv once normalised.
PLACEHOLDER_COOKIES = ("anonymous", "-1", "null", "undefined")
PLACEHOLDER_DEVICES = ("00000000-0000-0000-0000-000000000000", "anonymous", "null", "-1", "unknown")
PLACEHOLDER_EMAILS = (
    "test@test.com",
    "Test@Test.com",
    " noemail@example.com",
    "NONE@NONE.COM",
    "no@email.com ",
    "unknown@unknown.com",
)
# Typed "0000000000" would normalise to "+00000000" (its "00" reads as an international
# prefix), which seeds/blocked_identifiers.csv does not list: all-zero numbers are written
# with their country code, so that every placeholder normalises to a blocked value.
PLACEHOLDER_PHONES_NANP = ("+1 000 000 0000", "+1 (999) 999-9999", "(123) 456-7890", "111-111-1111")
PLACEHOLDER_PHONES_SUPPORT = ("+1 000 000 0000", "+1 999 999 9999", "(123) 456-7890")
# The shared phone: one number typed on the contacts of several persons (a shop's desk).
SHARED_PHONE_DISPLAY = ("+1 (415) 555-0100", "+1 415 555 0100", "001 415 555 0100")
SHARED_PHONE_E164 = "+14155550100"

# Unparseable values: letters or impossible fields, never a delimiter, quote or null word.
BAD_TIMESTAMPS = ("#VALUE!", "2026-13-45 99:99:99", "not-a-timestamp")
BAD_TIMESTAMPS_POS = ("#VALUE!", "32/13/2026 25:61", "not-a-timestamp")
BAD_TIMESTAMPS_ISO = ("#VALUE!", "2026-13-45T99:99:99Z", "not-a-timestamp")
BAD_NUMBERS = ("#VALUE!", "12.3.4", "1O.50", "twelve")
BAD_NUMBERS_POS = ("#VALUE!", "12,3,4", "1O,50", "twelve")
