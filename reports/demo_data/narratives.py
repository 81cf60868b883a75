"""The narrative of a demo report, composed from what the report holds, in the language the NGO writes in.

Real reports differ because their figures, places, seasons and troubles differ: each sentence here
is chosen among variants and filled with the report's own results (wells built in which province,
model villages by name, the semester's season, the agreement's renewal), so no two reports read alike.
"""
import random

from mrd_ngo.khmer import format_number

# Per indicator: variants of one achievement sentence, {n} the figure, {place} the province(s).
ACHIEVEMENTS = {
    "wells": {
        "km": ["បានសាងសង់អណ្ដូងស្នប់ចំនួន {n} នៅខេត្ត{place} ដោយសហការជាមួយមន្ទីរអភិវឌ្ឍន៍ជនបទខេត្ត។",
               "អណ្ដូងចំនួន {n} ត្រូវបានខួង និងប្រគល់ជូនគណៈកម្មការទឹកភូមិនៅខេត្ត{place}។",
               "ក្នុងឆមាសនេះ អង្គការបានបញ្ចប់ការសាងសង់អណ្ដូងចំនួន {n} ហើយបានធ្វើតេស្តគុណភាពទឹកគ្រប់អណ្ដូង។"],
        "en": ["Built {n} pump wells in {place} together with the provincial department of rural development.",
               "{n} wells were drilled and handed over to village water committees in {place}.",
               "Completed {n} wells this semester; the water of every well was tested before hand-over."],
    },
    "ponds": {
        "km": ["បានស្ដារស្រះសហគមន៍ចំនួន {n} ដែលផ្គត់ផ្គង់ទឹកដល់គ្រួសារក្នុងរដូវប្រាំង។",
               "ស្រះទឹកសហគមន៍ចំនួន {n} នៅខេត្ត{place} ត្រូវបានជីក ឬជួសជុលឡើងវិញ។"],
        "en": ["Dug or restored {n} community ponds that keep water for the dry season.",
               "{n} community ponds in {place} were deepened and fenced."],
    },
    "rainwater-tanks": {
        "km": ["បានចែកពាងទឹកភ្លៀង និងធុងស្ដុកទឹកចំនួន {n} ដល់គ្រួសារក្រីក្រ។",
               "គ្រួសារងាយរងគ្រោះបានទទួលធុងប្រមូលទឹកភ្លៀងចំនួន {n}។"],
        "en": ["Provided {n} rainwater jars and tanks to poor households.",
               "{n} rainwater tanks went to households identified with the commune (IDPoor)."],
    },
    "households-water": {
        "km": ["គ្រួសារចំនួន {n} នៅខេត្ត{place} ទទួលបានទឹកស្អាតប្រើប្រាស់ប្រចាំថ្ងៃ។",
               "ចំនួនគ្រួសារដែលមានទឹកស្អាតបានកើនឡើង {n} គ្រួសារ។"],
        "en": ["{n} households in {place} now have clean water at home or within walking distance.",
               "Clean water reached {n} more households."],
    },
    "latrines": {
        "km": ["គ្រួសារចំនួន {n} បានសាងសង់បង្គន់អនាម័យ ក្រោយការអប់រំអនាម័យតាមផ្ទះ។",
               "បង្គន់អនាម័យចំនួន {n} ត្រូវបានសាងសង់ ដោយគ្រួសារចូលរួមវិភាគទានកម្លាំងពលកម្ម។"],
        "en": ["{n} households built latrines after home visits on hygiene.",
               "{n} household latrines were built, the families contributing labour and part of the cost."],
    },
    "handwashing": {
        "km": ["បានដំឡើងកន្លែងលាងដៃចំនួន {n} នៅសាលារៀន និងមណ្ឌលសុខភាព។"],
        "en": ["Installed {n} handwashing stations at schools and health centres."],
    },
    "hygiene-trained": {
        "km": ["ប្រជាពលរដ្ឋចំនួន {n} នាក់ បានចូលរួមវគ្គអប់រំអនាម័យ។",
               "ការអប់រំអនាម័យបានឈានដល់មនុស្ស {n} នាក់ តាមរយៈក្រុមស្ត្រីក្នុងភូមិ។"],
        "en": ["{n} people took part in hygiene education sessions.",
               "Village women's groups carried hygiene messages to {n} people."],
    },
    "road-km": {
        "km": ["បានសាងសង់ និងជួសជុលផ្លូវលំជនបទប្រវែង {n} គីឡូម៉ែត្រ នៅខេត្ត{place}។",
               "ផ្លូវលំជនបទប្រវែង {n} គ.ម ត្រូវបានលើកកម្ពស់ និងចាក់គ្រួសក្រហម។"],
        "en": ["Built or repaired {n} km of rural roads in {place}.",
               "{n} km of village roads were raised and laterite-surfaced before the rains."],
    },
    "model-villages": {
        "km": ["បានគាំទ្រភូមិគំរូចំនួន {n} ក្នុងការរៀបចំផែនការអភិវឌ្ឍភូមិ។"],
        "en": ["Supported {n} model villages in preparing their village development plans."],
    },
    "people-trained": {
        "km": ["បានបណ្ដុះបណ្ដាលមនុស្សចំនួន {n} នាក់ លើការគ្រប់គ្រងគម្រោងសហគមន៍។",
               "គណៈកម្មការភូមិ និងឃុំ ចំនួន {n} នាក់ បានទទួលការបណ្ដុះបណ្ដាល។"],
        "en": ["Trained {n} people in managing community projects.",
               "{n} village and commune committee members were trained."],
    },
    "savings-groups": {
        "km": ["បានបង្កើតក្រុមសន្សំប្រាក់ថ្មីចំនួន {n} ក្រុម។"],
        "en": ["Formed {n} new savings groups."],
    },
    "farmers-supported": {
        "km": ["កសិករចំនួន {n} នាក់ បានទទួលការគាំទ្រលើបច្ចេកទេសដាំដំណាំ និងចិញ្ចឹមសត្វ។",
               "កសិករ {n} នាក់ នៅខេត្ត{place} បានអនុវត្តបច្ចេកទេសដាំបន្លែសន្សំសំចៃទឹក។"],
        "en": ["Supported {n} farmers with crop and livestock techniques.",
               "{n} farmers in {place} adopted water-saving vegetable growing."],
    },
    "ethnic-households": {
        "km": ["គ្រួសារជនជាតិដើមភាគតិចចំនួន {n} ទទួលបានការគាំទ្រ។"],
        "en": ["{n} indigenous households were supported."],
    },
    "children-eccd": {
        "km": ["កុមារតូចចំនួន {n} នាក់ បានចូលរៀននៅថ្នាក់មត្តេយ្យសហគមន៍។",
               "ថ្នាក់មត្តេយ្យសហគមន៍បានទទួលកុមារ {n} នាក់ ហើយឪពុកម្ដាយបានចូលរួមវគ្គអប់រំ។"],
        "en": ["{n} young children attended community pre-schools.",
               "Community pre-schools took in {n} children; their parents joined parenting sessions."],
    },
}

MODEL_VILLAGE = {
    "km": ["នៅភូមិគំរូ{villages} អង្គការបានធ្វើការជាមួយអាជ្ញាធរភូមិ តាមអនុសាសន៍របស់ក្រសួង។",
           "ភូមិ{villages} ជាភូមិគំរូដែលអង្គការគាំទ្រ។"],
    "en": ["In the model village of {villages} the work followed the ministry's model-village plan.",
           "{villages}: model village supported this semester."],
}

CHALLENGES = {
    "S1": {"km": ["រដូវប្រាំងយូរ ធ្វើឱ្យអណ្ដូងខ្លះរីងទឹកនៅខែមេសា និងឧសភា។",
                  "កំដៅខ្លាំងនៅខែមេសា ធ្វើឱ្យការចូលរួមប្រជុំភូមិធ្លាក់ចុះ។"],
           "en": ["A long dry season left some wells low in April and May.",
                  "The April heat kept attendance at village meetings low."]},
    "S2": {"km": ["ទឹកជំនន់ក្នុងខែកញ្ញា និងតុលា ធ្វើឱ្យការងារសាងសង់ផ្អាក។",
                  "ផ្លូវចូលភូមិខ្លះពិបាកធ្វើដំណើរក្នុងរដូវវស្សា។"],
           "en": ["Floods in September and October stopped construction for weeks.",
                  "Some villages could not be reached during the rainy season."]},
    "any": {"km": ["តម្លៃសម្ភារៈសំណង់កើនឡើង ធ្វើឱ្យការចំណាយលើសផែនការ។",
                   "កង្វះថវិកាសម្រាប់ការថែទាំប្រព័ន្ធទឹក បន្ទាប់ពីគម្រោងបញ្ចប់។",
                   "ទិន្នន័យមូលដ្ឋាននៅថ្នាក់ឃុំ មិនទាន់គ្រប់គ្រាន់។",
                   "យុវជនជាច្រើនចំណាកស្រុកទៅធ្វើការនៅថៃ ធ្វើឱ្យខ្វះកម្លាំងពលកម្មក្នុងភូមិ។"],
            "en": ["Building materials cost more than planned.",
                   "There is little money to maintain the water systems after the project ends.",
                   "Commune baseline data is incomplete.",
                   "Many young people migrated to work in Thailand, leaving villages short of labour."]},
    "renewal": {"km": ["កិច្ចព្រមព្រៀងជាមួយក្រសួងជិតផុតកំណត់ ហើយឯកសារបន្តកំពុងរៀបចំ។"],
                "en": ["Our agreement with the ministry ends soon; the renewal documents are being prepared."]},
}

# The theme of each challenge above (reports.choices.ChallengeTheme), in the same order, and the solutions NGOs propose.
CHALLENGE_THEMES = {
    "S1": ["weather", "people"],
    "S2": ["weather", "weather"],
    "any": ["funding", "funding", "data", "people"],
    "renewal": ["coordination"],
}

SOLUTIONS = {
    "weather": {"km": ["ខួងអណ្ដូងឱ្យជ្រៅជាងមុន និងរៀបចំកាលវិភាគសាងសង់មុនរដូវវស្សា។",
                       "សុំឱ្យមន្ទីរខេត្តជួយជួសជុលផ្លូវលំចូលភូមិ មុនរដូវវស្សា។"],
                "en": ["Drill deeper wells and schedule construction before the rainy season.",
                       "Ask the provincial department to repair village access roads before the rains."]},
    "funding": {"km": ["បង្កើតមូលនិធិថែទាំតាមភូមិ ដោយប្រមូលថ្លៃសេវាតិចតួចពីគ្រួសារ។",
                       "ទិញសម្ភារៈរួមគ្នាជាមួយអង្គការដទៃ ដើម្បីកាត់បន្ថយតម្លៃ។"],
                "en": ["Set up a village maintenance fund from a small household fee.",
                       "Buy materials together with other NGOs to lower the price."]},
    "people": {"km": ["រៀបចំការប្រជុំភូមិនៅពេលល្ងាច និងបណ្ដុះបណ្ដាលស្ត្រីជាអ្នកស្ម័គ្រចិត្ត។",
                      "ជួលកម្មករក្នុងស្រុក និងបណ្ដុះបណ្ដាលយុវជនដែលនៅសល់ក្នុងភូមិ។"],
               "en": ["Hold village meetings in the evening and train women volunteers.",
                      "Hire local workers and train the young people who stay in the village."]},
    "data": {"km": ["ធ្វើការស្ទង់មតិមូលដ្ឋានរួមគ្នាជាមួយឃុំ ហើយចែករំលែកទិន្នន័យជាមួយក្រសួង។"],
             "en": ["Run the baseline survey together with the commune and share the data with the ministry."]},
    "coordination": {"km": ["ដាក់ឯកសារស្នើសុំបន្តកិច្ចព្រមព្រៀង យ៉ាងហោចណាស់បីខែមុនផុតកំណត់។"],
                     "en": ["Send the renewal request at least three months before the agreement ends."]},
}

LESSONS = {
    "km": ["ការចូលរួមរបស់អាជ្ញាធរឃុំ តាំងពីដំណាក់កាលរៀបចំផែនការ ធ្វើឱ្យគម្រោងមាននិរន្តរភាព។",
           "ក្រុមស្ត្រីក្នុងភូមិ ជាអ្នកអប់រំអនាម័យដែលមានប្រសិទ្ធភាព។",
           "ការចែករំលែកបទពិសោធពីភូមិគំរូ ជួយឱ្យភូមិជិតខាងធ្វើតាម។",
           "គណៈកម្មការទឹកដែលប្រមូលថ្លៃសេវាតិចតួច អាចថែទាំអណ្ដូងបានយូរ។",
           "ការធ្វើផែនការរួមជាមួយមន្ទីរអភិវឌ្ឍន៍ជនបទខេត្ត ជៀសវាងការងារជាន់គ្នា។"],
    "en": ["Involving commune authorities from the planning stage makes the work last.",
           "Village women's groups are the most effective hygiene educators.",
           "Neighbouring villages copy what they see working in a model village.",
           "Water committees that collect a small fee keep their wells working for years.",
           "Planning together with the provincial department avoids two NGOs doing the same work."],
}

PLANS = {
    "km": ["ឆមាសក្រោយ អង្គការនឹងបន្តការងារនៅខេត្ត{place} និងពង្រីកទៅភូមិថ្មី។",
           "គ្រោងបណ្ដុះបណ្ដាលគណៈកម្មការទឹកភូមិ និងតាមដានការថែទាំ។",
           "នឹងរៀបចំផែនការវិស័យរួមជាមួយនាយកដ្ឋានជំនាញ តាមអនុសាសន៍កិច្ចប្រជុំ។"],
    "en": ["Next semester we continue in {place} and extend to new villages.",
           "We plan refresher training for village water committees and follow-up visits.",
           "We will prepare the sector plan with the ministry's technical department, as the meeting asked."],
}

# After the meeting of 17 July 2024 (its recommendations 1, 2 and 4), 2024S2 reports say what was done.
AFTER_MEETING = {
    "km": ["តាមអនុសាសន៍កិច្ចប្រជុំថ្ងៃទី១៧ ខែកក្កដា ឆ្នាំ២០២៤ អង្គការបានចូលរួមរៀបចំផែនការវិស័យជាមួយនាយកដ្ឋានជំនាញ។",
           "អង្គការបានអញ្ជើញមន្ត្រីក្រសួងចុះទស្សនកិច្ចសិក្សានៅភូមិគំរូ ដើម្បីចងក្រងមេរៀនបទពិសោធ។"],
    "en": ["Following the meeting of 17 July 2024, we joined the technical department's sector planning workshop.",
           "We invited ministry staff to visit our model village so the lessons can be written up and shared."],
}


def _join(names: list[str], lang: str) -> str:
    if lang == "km":
        return names[0] if len(names) == 1 else " ".join(names[:-1]) + " និង" + names[-1]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def compose(*, lang: str, totals: dict[str, int], provinces: list[tuple[str, str]], model_villages: list[tuple[str, str]],
            half: int, year: int, ends_soon: bool, rng: random.Random) -> dict[str, str]:
    """The narratives of one report (and the theme of its challenges): achievements from its own figures, the rest
    chosen to fit. The same `rng` state gives the same report in the other language (the demo's translations)."""
    place = _join([km if lang == "km" else en for km, en in provinces], lang)
    sentences = []
    for code, n in sorted(totals.items(), key=lambda item: -item[1]):
        variants = ACHIEVEMENTS.get(code, {}).get(lang)
        if variants and n:
            sentences.append(rng.choice(variants).format(n=format_number(n, lang), place=place))
    sentences = sentences[: rng.randint(2, 4)]
    if model_villages:
        villages = _join([km if lang == "km" else en for km, en in model_villages], lang)
        sentences.append(rng.choice(MODEL_VILLAGE[lang]).format(villages=villages))
    if (year, half) == (2024, 2):
        sentences.append(rng.choice(AFTER_MEETING[lang]))
    picked = [("any", i) for i in rng.sample(range(len(CHALLENGES["any"][lang])), rng.randint(1, 2))]
    if rng.random() < 0.6:
        picked.insert(0, (f"S{half}", rng.randrange(len(CHALLENGES[f"S{half}"][lang]))))
    if ends_soon:
        picked.append(("renewal", 0))
    challenges = [CHALLENGES[key][lang][i] for key, i in picked]
    themes = [CHALLENGE_THEMES[key][i] for key, i in picked]
    solutions = [rng.choice(SOLUTIONS[theme][lang]) for theme in dict.fromkeys(themes)][:2]
    return {
        "achievements": " ".join(sentences),
        "challenges": " ".join(challenges),
        "challenges_theme": themes[0],
        "solutions_proposed": " ".join(solutions),
        "lessons_learned": " ".join(rng.sample(LESSONS[lang], rng.randint(1, 2))),
        "next_plans": rng.choice(PLANS[lang]).format(place=place),
    }
