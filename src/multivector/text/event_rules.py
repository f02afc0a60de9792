"""Trigger rules for diplomatic events in English and Russian sentences, with their PLOVER codes.

A rule is a regular expression over inflected forms ("visit(ed|s)", "подписал(и)") with a
strength (the score of the events it finds) and guards against the usual false readings:
"visit our website", "a sign of", "support of the UN" (a noun), "your presidency of the
Assembly" (the Assembly's president, not the speaker's state), "вступил в силу" (entry into
force), "join efforts" (joining needs an organisation right after it). Negated triggers ("we
do not support") are dropped; future ones ("will sign") are flagged with the context "future".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EVENT_TYPES = ("visit", "meeting", "agreement_signed", "embassy_opened", "chairmanship",
               "membership", "mediation", "aid_given", "support_stated", "criticism_stated")

# A few words of gap, on one line of a sentence: "signed (up to 8 words) agreement".
GAP = r"(?:\s+\S+){0,%d}?\s+"
DOC_EN = (r"(?:agreements?|treat(?:y|ies)|memorand(?:um|a|ums)|conventions?|declarations?"
          r"|protocols?|accords?|charter|contracts?|road\s?maps?)\b")
DOC_RU = (r"(?:соглашени[еяйюиям]\w*|договор(?:а|у|ом|е|ы|ов|ам|ами|ах)?\b|меморандум\w*"
          r"|деклараци\w*|конвенци\w*|протокол\w*|харти[июя]\w*|контракт\w*|дорожн\w+\s+карт\w*)")
MISSION_EN = (r"(?:embass(?:y|ies)|consulates?(?:[\s-]+general)?|(?:diplomatic|permanent|trade)"
              r"\s+missions?|representative\s+offices?)\b")
MISSION_RU = (r"(?:посольств\w*|генконсульств\w*|консульств\w*|генеральн\w+\s+консульств\w*"
              r"|(?:постоянн|дипломатическ|торгов)\w+\s+представительств\w*|миссии|миссию)")
AID_VERB = (r"(?i)\b(?:provid(?:e|es|ed|ing)|sen[dt]|sends|sending|deliver(?:s|ed|ing)?|give|gives"
            r"|gave|giving|allocat(?:e|es|ed|ing)|donat(?:e|es|ed|ing)|extend(?:s|ed|ing)?"
            r"|render(?:s|ed|ing)?|offer(?:s|ed|ing)?|dispatch(?:es|ed|ing)?|ship(?:s|ped|ping)?)\b")
YOUR = r"(?i)\b(?:your|you|ваш\w*|вами|вас)\b[^.;]{0,40}$"


@dataclass(frozen=True)
class EventRule:
    type: str
    name: str  # the producer's rule: which trigger pattern matched
    pattern: re.Pattern[str]
    score: float
    reject_before: re.Pattern[str] | None = None  # searched in the 50 characters before
    reject_after: re.Pattern[str] | None = None  # matched at the 40 characters after
    needs_organisation: bool = False  # an organisation must follow: "joined the WTO"
    require_before: re.Pattern[str] | None = None  # must be found in the 50 characters before


def _r(type_: str, name: str, pattern: str, score: float, *, before: str | None = None,
       after: str | None = None, needs_organisation: bool = False,
       require: str | None = None) -> EventRule:
    def rx(p: str | None) -> re.Pattern[str] | None:
        return re.compile(p) if p else None

    return EventRule(type_, name, re.compile(pattern), score, rx(before), rx(after),
                     needs_organisation, rx(require))


_NOUN_BEFORE = (r"(?i)\b(?:the|a|an|our|its|their|his|her|with|of|for|strong|full|broad|wide"
                r"|international|financial|technical|political|unanimous|mutual|continued"
                r"|such|any|no|this|that|greater|more|need|needs|provide|provided|receive"
                r"|received|enjoy|enjoys|seek|express|expressed|give|offer|lend|and)\s*$")
RULES: tuple[EventRule, ...] = (
    # visit
    _r("visit", "en official visit", r"(?i)\b(?:state|official|working|first|historic|bilateral"
       r"|reciprocal|return)\s+visits?\b", 0.9),
    _r("visit", "en visit", r"(?i)\bvisit(?:ed|s|ing)?\b", 0.7,
       after=r"(?i)\s*(?:(?:our|the|its|this|my)\s+)?(?:web\s?sites?|sites?|pages?|portal|www"
       r"|https?)\b"),
    _r("visit", "ru visit", r"(?i)\b(?:визит\w*|посети(?:л|ла|ли|т|ть)\b|посещени\w*)", 0.8,
       after=r"(?i)\s*(?:\w+\s+)?(?:сайт|портал|страниц)"),
    # meeting
    _r("meeting", "en summit", r"(?i)\bsummits?\b", 0.7),
    _r("meeting", "en met with", r"(?i)\bmet\s+with\b", 0.8),
    _r("meeting", "en held talks", r"(?i)\b(?:held|hold|holding)\s+(?:\w+\s+){0,2}?(?:talks"
       r"|meetings?|consultations|negotiations)\b", 0.8),
    _r("meeting", "en talks with", r"(?i)\b(?:talks|negotiations|consultations|meetings?)\s+"
       r"(?:with|between)\b", 0.7),
    _r("meeting", "en meeting", r"(?i)\b(?:bilateral|trilateral|ministerial|high-level|summit"
       r"|consultative)\s+meetings?\b", 0.7),
    _r("meeting", "en hosted conference", r"(?i)\b(?:host(?:ed|s|ing)?|convened?|convening"
       r"|organi[sz]ed)\s+(?:\S+\s+){0,6}?(?:summit|conference|forum|congress|meeting)s?\b", 0.6),
    _r("meeting", "ru summit", r"(?i)\bсаммит\w*", 0.7),
    _r("meeting", "ru meeting", r"(?i)\b(?:встреч(?:а|и|е|у|ей|ам|ах|ами)|встретил(?:ся|ась|ись)"
       r"|встретятся|переговор(?:ы|ов|ах|ами))\b", 0.7),
    _r("meeting", "ru hosted conference", r"(?i)\b(?:провел[аио]?|проведени[еяю]|организовал"
       r"[аио]?)\s+(?:\S+\s+){0,4}?(?:саммит|конференци|форум|съезд|совещани)\w*", 0.6),
    # agreement_signed
    _r("agreement_signed", "en signed", rf"(?i)\b(?:signed|signing|sign(?:s)?(?!\s+of\b)){GAP % 8}"
       rf"{DOC_EN}", 0.85, before=r"(?i)\b(?:a|the|clear|positive|good|encouraging)\s*$"),
    _r("agreement_signed", "en document signed", rf"(?i)\b{DOC_EN}{GAP % 8}signed\b", 0.8),
    _r("agreement_signed", "en concluded", rf"(?i)\bconcluded{GAP % 6}{DOC_EN}", 0.7),
    _r("agreement_signed", "ru signed", r"(?i)\b(?:подпис(?:ал|ала|али|ало|ать|ание|ания|анию"
       rf"|анием|ании|ан|ана|ано|аны|ываем|ывает|ывают)|подпишут|подпишем)\b{GAP % 8}{DOC_RU}",
       0.85),
    _r("agreement_signed", "ru document signed", rf"(?i)\b{DOC_RU}{GAP % 8}подписан\w*", 0.8),
    _r("agreement_signed", "ru concluded", rf"(?i)\bзаключ(?:ил|ила|или|ено|ен|ена|ены|ение"
       rf"|ения)\b{GAP % 6}{DOC_RU}", 0.7),
    # embassy_opened
    _r("embassy_opened", "en opened embassy", rf"(?i)\b(?:re)?open(?:ed|s|ing)?{GAP % 5}"
       rf"{MISSION_EN}", 0.9),
    _r("embassy_opened", "en embassy opened", rf"(?i)\b{MISSION_EN}{GAP % 5}(?:was|were|has\s+"
       r"been|have\s+been|been)\s+(?:re)?opened\b", 0.85),
    _r("embassy_opened", "en established embassy", r"(?i)\b(?:establish(?:ed|ing|ment\s+of)"
       rf"|set\s+up){GAP % 4}{MISSION_EN}", 0.75),
    _r("embassy_opened", "ru opened embassy", r"(?i)\bоткры(?:л|ла|ло|ли|лись|тие|тия|тии"
       rf"|тием|ть|ты|ваем|вает|вают)\b{GAP % 5}{MISSION_RU}", 0.9),
    _r("embassy_opened", "ru embassy opened", rf"(?i)\b{MISSION_RU}{GAP % 5}открыт\w*", 0.85),
    # chairmanship
    _r("chairmanship", "en chairmanship", r"(?i)\b(?:chairmanship|chairpersonship"
       r"|chair(?:man|person)?-in-office)\b", 0.85, before=YOUR),
    _r("chairmanship", "en chaired", r"(?i)\b(?:chaired|chairing|(?:will|to)\s+chair"
       r"|presided\s+over)\b", 0.75, before=YOUR),
    _r("chairmanship", "en presidency of", r"\b[Pp]residency\s+of\s+(?:the\s+)?(?=[A-Z])", 0.7,
       before=YOUR, after=r"\s*(?:the\s+)?General\s+Assembly"),
    _r("chairmanship", "ru chairmanship", r"(?i)\bпредседательств\w*", 0.85, before=YOUR),
    # membership
    _r("membership", "en became member", r"(?i)\bbec(?:ame|ome|omes|oming)\s+(?:a\s+|the\s+)?"
       r"(?:full(?:y)?[\s-]+fledged\s+|full\s+|founding\s+|new\s+|\w+th\s+)?(?:member|party)\b",
       0.85),
    _r("membership", "en accession", r"(?i)\b(?:accession|acceded|accede|accedes|admission"
       r"|admitted)\s+(?:to|into|as)\b", 0.85),
    _r("membership", "en elected member", r"(?i)\belected\s+(?:as\s+)?(?:a\s+)?(?:non-permanent"
       r"\s+)?member\b", 0.8),
    _r("membership", "en membership", r"(?i)\bmembership\s+(?:in|of)\b", 0.6,
       before=r"(?i)\b(?:expan\w*|enlarg\w*|increas\w*|reform\w*|universal|its|whose)\s*$"),
    _r("membership", "en joined", r"\b[Jj]oin(?:ed|s|ing)?\b", 0.75, needs_organisation=True),
    _r("membership", "ru accession", r"(?i)\b(?:вступ(?:ил|ила|или|ило|ление|ления|лении|лением"
       r"|ить|ает|ают)|присоедин(?:ился|илась|ились|илось|ение|ения|ении|ением|иться|яется))"
       r"\s+(?:в|во|к)\b", 0.85, after=r"(?i)\s*(?:силу|действие)\b"),
    _r("membership", "ru membership", r"(?i)\bчленств\w*", 0.6),
    _r("membership", "ru became member", r"(?i)\bстал[аио]?\s+(?:\w+\s+)?(?:член\w*|участник\w*"
       r"|сторон\w*)", 0.8),
    # mediation
    _r("mediation", "en mediation", r"(?i)\bmediat(?:e|ed|es|ing|ion|or|ors|ory)\b", 0.85),
    _r("mediation", "en good offices", r"(?i)\bgood\s+offices\b", 0.8),
    _r("mediation", "en negotiating platform", r"(?i)\b(?:(?:negotiating|negotiation|dialogue)"
       r"\s+platform|platform\s+for\s+(?:dialogue|negotiations?|talks)|Astana\s+(?:process"
       r"|format|talks))\b", 0.75),
    _r("mediation", "en facilitated talks", r"(?i)\bfacilitat(?:e|ed|es|ing)\s+(?:the\s+)?"
       r"(?:\w+\s+)?(?:dialogue|negotiations|talks|peace\s+process)\b", 0.7),
    _r("mediation", "ru mediation", r"(?i)\b(?:посредни\w*|добр\w+\s+услуг\w*|переговорн\w+\s+"
       r"площадк\w*|астанинск\w+\s+(?:процесс|формат)\w*)", 0.85),
    _r("mediation", "en auspices", r"(?i)\b(?:talks|negotiations|peace\s+process|consultations)"
       r"(?:\s+\S+){0,4}?\s+(?:held|conducted|took\s+place)\s+under\s+the\s+auspices\s+of\b", 0.7),
    _r("mediation", "en brokered", r"(?i)\bbroker(?:ed|ing|s)?\s+(?:a|an|the|this)?\s*(?:\w+\s+)?"
       r"(?:deal|ceasefire|cease-fire|truce|agreement|accord|settlement|talks|peace)\b", 0.8),
    _r("mediation", "en go-between", r"(?i)\b(?:shuttl(?:e|ed|es|ing)|(?:pass|passed|passing|carr"
       r"(?:y|ied|ying))\s+(?:on\s+)?messages)\s+between\b", 0.75),
    _r("mediation", "en guarantors", r"(?i)\bguarantors?\s+(?:of\s+(?:the\s+)?(?:ceasefire"
       r"|cease-fire|truce|talks|negotiations|peace\s+(?:process|talks|agreement)|settlement)"
       r"|(?:states|countries|powers)\s+of\s+the\s+(?:ceasefire|talks|process))\b", 0.65),
    _r("mediation", "ru go-between", r"(?i)\b(?:под\s+эгидой|передава\w*\s+(?:\w+\s+)?послани\w*"
       r"\s+между|содейств\w+\s+(?:нормализации|урегулированию|примирению)|гарант\w*\s+"
       r"(?:перемири\w*|прекращени\w*\s+огня|процесса|урегулировани\w*))", 0.7),
    # aid_given
    _r("aid_given", "en humanitarian aid", r"(?i)\bhumanitarian\s+(?:aid|assistance|help|cargo"
       r"|supplies|relief|convoys?)\b", 0.65, require=AID_VERB),
    _r("aid_given", "en provided aid", r"(?i)\b(?:provided|sent|delivered|allocated|donated"
       r"|contributed|rendered|granted)\s+(?:\S+\s+){0,5}?(?:aid|assistance|help|grants?|loans?"
       r"|tons|tonnes|relief)\b", 0.8),
    _r("aid_given", "en donor", r"\bKazAID\b|(?i:\bdonor\s+(?:country|state|nation)\b)", 0.75),
    _r("aid_given", "ru humanitarian aid", r"(?i)\bгуманитарн\w+\s+(?:помощ\w*|груз\w*)", 0.65,
       require=r"(?i)(?:оказ|предостав|направ|выдел|передал|достав|отправ)\w*"),
    _r("aid_given", "ru provided aid", r"(?i)\b(?:оказа\w*|предостав\w*|направи\w*|направл\w*"
       r"|выдели\w*|передал\w*)\s+(?:\S+\s+){0,4}?(?:помощ\w*|содействи\w*|груз\w*|грант\w*"
       r"|кредит\w*)", 0.8),
    _r("aid_given", "en rescuers", r"(?i)\b(?:sent|dispatched|flew)\s+(?:\S+\s+){0,3}?(?:rescuers"
       r"|rescue\s+teams?|search-and-rescue|doctors|medical\s+teams?)\b", 0.75),
    _r("aid_given", "en financing from", r"(?i)\b(?:with\s+(?:the\s+)?(?:financing|funding|grants?"
       r"|loans?)\s+(?:from|of)|(?:financed|funded|co-financed)\s+by)\s+(?=(?:the\s+)?(?-i:[A-Z]))",
       0.6),
    _r("aid_given", "ru rescuers", r"(?i)\b(?:направи\w*|направл\w*|отправи\w*|выслал\w*)\s+"
       r"(?:\S+\s+){0,4}?(?:спасател\w*|врач\w*|медик\w*|медицинск\w+\s+бригад\w*)", 0.75),
    # support_stated
    _r("support_stated", "en we support", r"(?i)\b(?:we|i|kazakhstan|also|fully|strongly|firmly"
       r"|wholeheartedly|consistently|actively|therefore|always|will|would|continue\s+to"
       r"|ready\s+to)\s+support(?:ed)?\b", 0.8),
    _r("support_stated", "en supports", r"(?i)\bsupports\b(?!\s+(?:of|for|to|from)\b)", 0.75,
       before=_NOUN_BEFORE),
    _r("support_stated", "en supported", r"(?i)\b(?:(?:has|have|had)\s+(?:\w+\s+)?supported"
       r"|supported\s+(?:the|an|a|this|that|these|all))\b", 0.7, before=_NOUN_BEFORE),
    _r("support_stated", "en to support", r"(?i)\bto\s+support\s+(?:the|an|a|this|these|all"
       r"|every|efforts|initiatives?)\b", 0.55, before=r"(?i)\b(?:efforts|measures)\s*$"),
    _r("support_stated", "en welcome", r"(?i)\b(?:(?:we|i|kazakhstan|also|fully|warmly|therefore"
       r"|further|strongly|greatly|sincerely|particularly)\s+welcome[sd]?|welcomes|welcomed\s+"
       r"(?:the|an|a|this|that|these))\b", 0.8),
    _r("support_stated", "en endorse", r"(?i)\bendors(?:e|es|ed)\b", 0.7),
    _r("support_stated", "ru support", r"(?i)\b(?:поддерживае[мт]|поддерживают|поддерживаю"
       r"|поддержал[аи]?|поддержим|поддержит)\b", 0.8),
    _r("support_stated", "ru welcome", r"(?i)\b(?:приветству(?:ем|ет|ют|ю)|приветствовал[аи]?"
       r"|одобря(?:ем|ет|ют)|выступа(?:ем|ет|ют)\s+за)\b", 0.8),
    # criticism_stated
    _r("criticism_stated", "en condemn", r"(?i)\bcondemn(?:s|ed|ing)?\b", 0.85),
    _r("criticism_stated", "en condemnation", r"(?i)\bcondemnation\b", 0.7,
       require=r"(?i)\b(?:our|express\w*)\b[^.;]{0,25}$"),
    _r("criticism_stated", "en criticise", r"(?i)\b(?:critici[sz](?:e|es|ed|ing)"
       r"|deplor(?:e|es|ed|ing)|denounc(?:e|es|ed|ing))\b", 0.8),
    _r("criticism_stated", "en reject", r"(?i)\b(?:we|i|kazakhstan|firmly|categorically|strongly"
       r"|resolutely)\s+(?:reject|oppose)[sd]?\b", 0.65),
    _r("criticism_stated", "ru condemn", r"(?i)\b(?:осужда(?:ет|ем|ют|ю|л|ли)|осуждени[еяю]\w*"
       r"|осуди(?:л|ла|ли|ть)|критику(?:ет|ем|ют)|критиковал[аи]?|подверг\w*\s+(?:\w+\s+)?"
       r"критик\w*|(?:решительно|категорически)\s+(?:отвергае[мт]|отвергают))\b", 0.8),
    _r("criticism_stated", "en regret", r"(?i)\b(?:we|i|kazakhstan|deeply|greatly|strongly)\s+"
       r"regret(?:s|ted)?\b(?!\s+to\b)", 0.65),
    _r("criticism_stated", "en protest", r"(?i)\b(?:protest(?:s|ed)?\s+(?:against|over|at)"
       r"|(?:lodged|lodges|filed|expressed|expresses)\s+(?:a\s+)?(?:\w+\s+)?protests?)\b", 0.8),
    _r("criticism_stated", "en unacceptable", r"(?i)\b(?:is|are|was|were)\s+unacceptable\b"
       r"(?!\s+to\b|\s+for\b)", 0.6,
       before=r"(?i)\b(?:may|might|could|would|will|can|should)\s*$"),
    _r("criticism_stated", "ru regret", r"(?i)\b(?:сожале(?:ем|ет|ют|ю)|выразил\w*\s+(?:\w+\s+)?"
       r"(?:сожалени\w*|протест\w*|обеспокоенност\w*)|заявил\w*\s+(?:\w+\s+)?протест\w*"
       r"|неприемлем\w*)", 0.7),
)

# PLOVER category and mode of each event type (see the table in pipeline/components/events.py)
PLOVER: dict[str, tuple[str | None, str | None]] = {
    "visit": ("CONSULT", "visit"),
    "meeting": ("CONSULT", None),
    "agreement_signed": ("SUPPORT", None),
    "embassy_opened": ("SUPPORT", None),
    "chairmanship": (None, None),
    "membership": ("SUPPORT", None),
    "mediation": ("CONSULT", None),
    "aid_given": ("AID", None),
    "support_stated": ("SUPPORT", None),
    "criticism_stated": ("ACCUSE", "disapprove"),
}

_NEGATED = re.compile(r"(?i)\b(?:not|never|cannot|can't|don't|не|никогда)\s+(?!only\b|только\b)"
                      r"(?:\w+\s+)?$")
_FUTURE = re.compile(r"(?i)\b(?:will|shall|going\s+to|plans?\s+to|intends?\s+to|ready\s+to"
                     r"|view\s+to(?:wards?)?|aim\w*\s+(?:at|to)"
                     r"|forward\s+to|upcoming|forthcoming|next|будет|будут|будем|планиру\w+"
                     r"|намерен\w*|готов\w*|предстоящ\w*)\s+(?:\w+\s+){0,2}$")
# "we call on all States to sign the Treaty" is a demand to others, not an event
_APPEAL = re.compile(r"(?i)\b(?:call(?:s|ed|ing)?\s+(?:on|upon)|urg(?:e|es|ed|ing)|appeal(?:s|ed)?"
                     r"\s+to|invit(?:e|es|ed)|encourag(?:e|es|ed)|призыва\w*|призвал\w*)\b[^.;]{0,90}"
                     r"\b(?:to|не)\s+(?:\w+\s+)?$")
_FUTURE_AFTER = re.compile(r"(?i)^\W*(?:\w+\s+){0,3}?(?:will\s+be|(?:is|are)\s+to\s+be"
                           r"|to\s+be\s+held|will\s+take\s+place|состоится|пройд[её]т)\b")
_FUTURE_TRIGGER = re.compile(r"(?i)^will\s|подписать|подпишут|подпишем")
_FIRST_PERSON = re.compile(r"\b(?:[Ww]e|WE|[Oo]ur|[Oo]urs|us|ourselves|I|[Mm]y|me)\b|(?i:\b(?:мы"
                           r"|нас|нам|нами|наш\w*|я|мой|моя|моё|мое|мои|моего|моей|моему|меня"
                           r"|мне)\b)")
_HUMANITARIAN = re.compile(r"(?i)humanitarian|гуманитарн")
_ECONOMIC = re.compile(r"(?i)financ|econom|loans?\b|grants?\b|credit|\$|million|billion|"
                       r"финанс|экономи|кредит|грант|млн|млрд")


@dataclass(frozen=True)
class Trigger:
    rule: EventRule
    start: int  # offsets into the scanned text
    end: int
    future: bool


def find_triggers(text: str) -> list[Trigger]:
    """Event triggers in ``text`` (a sentence), guards applied, negated ones left out."""
    flat = re.sub(r"\s", " ", text)  # same length: offsets hold, line breaks no longer matter
    out: list[Trigger] = []
    for rule in RULES:
        for m in rule.pattern.finditer(flat):
            before = flat[max(0, m.start() - 50) : m.start()]
            after = flat[m.end() : m.end() + 40]
            if rule.reject_before is not None and rule.reject_before.search(before):
                continue
            if rule.reject_after is not None and rule.reject_after.match(after):
                continue
            if rule.require_before is not None and not rule.require_before.search(before):
                continue
            if _NEGATED.search(before[-30:]) or _APPEAL.search(flat[max(0, m.start() - 120) :
                                                                     m.start()]):
                continue
            future = bool(_FUTURE.search(before[-30:]) or _FUTURE_AFTER.match(after)
                          or _FUTURE_TRIGGER.search(m.group()))
            out.append(Trigger(rule, m.start(), m.end(), future))
    return out


_SUBJECT_PRONOUN = re.compile(r"\b(?:[Ww]e|I|[Oo]ur\s+(?:country|State|state|Government"
                              r"|government|nation|Republic|President|delegation)|[Mm]y\s+(?:country"
                              r"|Government|government|delegation)|(?i:мы|я|наш[аеи]?\s+(?:страна"
                              r"|государство|республика|правительство|президент)))\b")


def is_first_person(text: str) -> bool:
    """Whether a sentence speaks for the speaker: "we", "our country", "мы", "наша страна"."""
    return _FIRST_PERSON.search(text) is not None


def first_subject_pronoun(text: str) -> int | None:
    """Offset of the first "we"/"I"/"мы"/"я" in ``text``, if any."""
    m = _SUBJECT_PRONOUN.search(text)
    return m.start() if m else None


def plover_of(event_type: str, trigger_text: str, future: bool) -> tuple[str | None, str | None]:
    """PLOVER category and mode; a promise to sign is AGREE, an aid's kind is its mode."""
    category, mode = PLOVER[event_type]
    if event_type == "agreement_signed" and future:
        category = "AGREE"
    if event_type == "aid_given":
        if _HUMANITARIAN.search(trigger_text):
            mode = "humanitarian"
        elif _ECONOMIC.search(trigger_text):
            mode = "economic"
    return category, mode
