"""Trigger rules for diplomatic events in English and Russian sentences, with their PLOVER codes.

A rule is a regular expression over inflected forms ("visit(ed|s)", "подписал(и)") with a
strength (the score of the events it finds) and guards against the usual false readings:
"visit our website", "a sign of", "support of the UN" (a noun), "your presidency of the
Assembly" (the Assembly's president, not the speaker's state), "вступил в силу" (entry into
force), "join efforts" (joining needs an organisation right after it). Appeals to others ("we
call on all States to sign") are dropped: the signing would be theirs, not the speaker's.

Each trigger gets a status from the words of its clause (:func:`status_of`), English and
Russian, the first that applies in this order:

===========  ==========================================================================
status       cue
===========  ==========================================================================
negated      a negation right before the trigger or inside it: "did not sign", "has
             never joined", "no agreement was signed", "не подписали", "так и не вступил"
conditional  "if", "unless", "provided that", "если", "в случае" before the trigger, or
             after it when the clause is future or modal; "would", "could", "бы"
hoped        "hope", "look forward to", "expect", "seek", "aspire", "candidacy",
             "надеемся", "рассчитываем", "стремимся"
proposed     "propose", "suggest", "initiative to", "offer to", "ready to", "call for",
             "should", "must", "предлагаем", "готовы", "призываем", "необходимо"
planned      "will", "shall", "plan to", "intend", "next", "upcoming", "agreed to",
             "to be held", "будет", "планируем", "предстоящий", "состоится", or a future
             verb as the trigger ("will chair", "подпишем")
happened     anything else: the past and the present ("chaired", "chairs", "is chairing")
===========  ==========================================================================

Polite forms of a speech act ("we would like to welcome", "хотели бы поддержать") state
support or criticism now, so they are no cue for those two types. :func:`boilerplate_spans`
finds the lines of a web page that are no part of its text (navigation, "Visit also" and the
links under it, "Read 6289 times", "Sign up for ...") so that they yield no events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from multivector.text.prefilter import Prefilter

EVENT_TYPES = ("visit", "meeting", "agreement_signed", "embassy_opened", "chairmanship",
               "membership", "mediation", "aid_given", "support_stated", "criticism_stated")

# A few words of gap, on one line of a sentence: "signed (up to 8 words) agreement".
GAP = r"(?:\s+\S+){0,%d}?\s+"
DOC_EN = (r"(?:agreements?|treat(?:y|ies)|memorand(?:um|a|ums)|conventions?|declarations?"
          r"|protocols?|accords?|charter|contracts?|road\s?maps?|CTBT|NPT|CWC|BWC|TPNW)\b")
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
    _r("meeting", "en conference held", r"(?i)\b(?:conference|forum|congress|meeting|talks"
       r"|consultations)s?\b(?:\s+\S+){0,8}?\s+(?:(?:was|were)\s+held|held\s+(?:in|at|on)"
       r"|took\s+place|opened|closed|ended|concluded)\b", 0.6),
    _r("meeting", "ru summit", r"(?i)\bсаммит\w*", 0.7),
    _r("meeting", "ru conference held", r"(?i)\b(?:(?:конференци|форум|съезд|совещани|встреч"
       r"|переговор|заседани)\w*(?:\s+\S+){0,8}?\s+(?:прош(?:ла|[её]л|ло|ли)|состоял\w+"
       r"|завершил\w+|открыл(?:ась|ся|ись|ось)|проходил\w*)|(?:прош(?:ла|[её]л|ло|ли)"
       r"|состоял\w+|завершил\w+|открыл(?:ась|ся|ись|ось))\s+(?:\S+\s+){0,4}?(?:конференци"
       r"|форум|съезд|совещани|встреч|переговор|заседани)\w*)", 0.6),
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
       rf"|тием|ть|ты|то|та|ваем|вает|вают)\b{GAP % 5}{MISSION_RU}", 0.9),
    _r("embassy_opened", "ru embassy opened", rf"(?i)\b{MISSION_RU}{GAP % 5}открыт\w*", 0.85),
    # chairmanship
    _r("chairmanship", "en chairmanship", r"(?i)\b(?:chairmanship|chairpersonship"
       r"|chair(?:man|person)?-in-office)\b", 0.85, before=YOUR),
    _r("chairmanship", "en chaired", r"(?i)\b(?:chaired|chairing|chairs(?=\s+(?:the|this|a|its)\s)"
       r"|(?:will|to)\s+chair"
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
       before=r"(?i)\b(?:expan\w*|enlarg\w*|increas\w*|reform\w*|universal|its|whose)"
       r"(?:\s+of\s+the)?\s*$"),
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

STATUSES = ("happened", "planned", "proposed", "hoped", "negated", "conditional")
NOT_YET = frozenset({"planned", "proposed", "hoped", "conditional"})  # "future" in attrs

# A clause ends at ; : a dash, or a comma before a conjunction or a relative word
CLAUSE_BREAK = re.compile(r"[;:]|\s[–—-]\s|,\s+(?:but|while|whereas|although|though|which|who"
                          r"|whom|whose|where|when|because|and|or|но|а|однако|и|или|котор\w+"
                          r"|где|когда|поскольку|так\s+как|хотя)\b|\s(?:but|whereas|но|однако)\s",
                          re.IGNORECASE)
_NEGATION = re.compile(r"(?i)(?:\b(?:not|never|no|neither|nor|cannot|without|failed\s+to"
                       r"|fails?\s+to|refused\s+to|refuses?\s+to|declined\s+to|не|ни|нет|никогда"
                       r"|без|отказал\w*\s+от|отказыва\w+\s+от)|n['’]t)\s+"
                       r"(?!only\b|just\b|merely\b|least\b|doubt\b|только\b|лишь\b|сомнени)"
                       r"(?:[\w'’-]+\s+){0,2}$")
_NEGATION_INSIDE = re.compile(r"(?i)\b(?:not|never|не|ни)\s+(?!only\b|только\b)")
_CONDITION = re.compile(r"(?i)(?<!\beven\s)(?<!\bas\s)\b(?:if|unless|provided\s+that|on\s+condition"
                        r"\s+that|in\s+case|in\s+the\s+event\s+that|если|в\s+случае|при\s+услови\w+"
                        r")\b")
_MODAL = re.compile(r"(?i)\b(?:would|could|might)\s+(?!like\b|wish\b)(?:\w+\s+){0,2}$"
                    r"|\bбы\b(?<!хотел\sбы)(?<!хотела\sбы)(?<!хотели\sбы)[^,;]{0,30}$")
_MODAL_INSIDE = re.compile(r"(?i)^(?:would|could|might)\s")
_HOPE = re.compile(r"(?i)\b(?:hope[sd]?|hoping|look(?:s|ed|ing)?\s+forward|expect(?:s|ed"
                   r"|ing|ation\w*)?|count(?:s|ing)?\s+on|wish(?:es)?\s+to|trust\s+that|aspir\w+"
                   r"|seek(?:s|ing)?|sought|striv\w+|bid|candidac\w+|candidatur\w+|confident\s+that"
                   r"|надеемся|надеется|надеюсь|надежд\w+|рассчитыва\w+|ожида\w+|стремимся"
                   r"|стремится|стремлени\w+|хотим|хочет|хотели\s+бы|хотел\s+бы|желаем"
                   r"|кандидатур\w+|уверены,?\s+что)\b")
_PROPOSE = re.compile(r"(?i)\b(?:propos\w+|suggest\w*|put\s+forward|putting\s+forward|"
                      r"initiative\s+(?:to|on|for)|offer(?:s|ed|ing)?\s+to|ready\s+to|readiness"
                      r"|prepared\s+to|willing\s+to|call(?:s|ed|ing)?\s+(?:for|on|upon)|urg\w+"
                      r"|invit\w+|advocat\w+|should|must|ought\s+to|need\s+to|needs\s+to"
                      r"|necessary\s+to|important\s+to|time\s+to|consider(?:ing)?\s+\w+ing"
                      r"|предлага\w+"
                      r"|предлож\w+|выдвину\w+|выступ\w+\s+с\s+инициатив\w+|инициатив\w+\s+(?:о|по"
                      r"|в\s+отношении)|готов\w*|призыва\w+|призвал\w*|приглаша\w+|необходимо"
                      r"|нужно|следует|должн[ыао]|важно)\b")
_PLAN = re.compile(r"(?i)\b(?:will|shall|going\s+to|plan(?:s|ned|ning)?|intend\w*|intention\w*"
                   r"|scheduled|upcoming|forthcoming|next|(?:the|in\s+the)\s+coming"
                   r"|aim(?:s|ing)?\s+to|aims?\s+at"
                   r"|(?:decided|agreed|committed|pledged|promised|set|about|due|instructed)\s+to"
                   r"|ordered"
                   r"|(?:is|are)\s+to\s+be|to\s+be\s+held|will\s+be|будет|будут|будем|буду"
                   r"|станет|планиру\w+|в\s+планах|намерен\w*|намечен\w*|предстоящ\w+|состоится"
                   r"|состоятся|пройд[её]т|следующ\w+|будущ\w+|собира\w+|решил\w*|договорил\w*"
                   r"|prepar(?:e|es|ed|ing)\s+for|готови\w+\s+к)\b|['’]ll\b")
# "the summit to be held in May", "переговоры состоятся"
_PLAN_AFTER = re.compile(r"(?i)\W*(?:\w+\s+){0,3}?(?:will\s+be|will\s+take\s+place|(?:is|are)\s+to"
                         r"\s+be|to\s+be\s+(?:held|signed|opened|convened|hosted)|scheduled"
                         r"|состоится|состоятся|пройд[её]т|будет|будут)\b")
_PLAN_TRIGGER = re.compile(r"(?i)^will\s|подпишут|подпишем|встретятся"
                           r"|откро(?:ем|ют)|вступ(?:им|ит)\b|провед(?:[её]м|ут)\b")
_POLITE = re.compile(r"(?i)\b(?:would\s+like\s+to|wish\s+to|хотел\w*\s+бы|позвольте)\b")
SPEECH_ACTS = frozenset({"support_stated", "criticism_stated"})  # done by saying them
# "we call on all States to sign the Treaty" is a demand to others, not an event
_APPEAL = re.compile(r"(?i)\b(?:call(?:s|ed|ing)?\s+(?:on|upon)|urg(?:e|es|ed|ing)|appeal(?:s|ed)?"
                     r"\s+to|invit(?:e|es|ed)|encourag(?:e|es|ed)|призыва\w*|призвал\w*)\b[^.;]{0,90}"
                     r"\b(?:to|не)\s+(?:\w+\s+)?$")
_FIRST_PERSON = re.compile(r"\b(?:[Ww]e|WE|[Oo]ur|[Oo]urs|us|ourselves|I|[Mm]y|me)\b|(?i:\b(?:мы"
                           r"|нас|нам|нами|наш\w*|я|мой|моя|моё|мое|мои|моего|моей|моему|меня"
                           r"|мне)\b)")
_HUMANITARIAN = re.compile(r"(?i)humanitarian|гуманитарн")
_ECONOMIC = re.compile(r"(?i)financ|econom|loans?\b|grants?\b|credit|\$|million|billion|"
                       r"финанс|экономи|кредит|грант|млн|млрд")


_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@dataclass(frozen=True)
class Trigger:
    rule: EventRule
    start: int  # offsets into the scanned text
    end: int
    status: str  # one of STATUSES
    cue: str | None = None  # the words that gave the status, None for "happened"

    @property
    def future(self) -> bool:
        return self.status in NOT_YET


@cache
def _rule_prefilter() -> Prefilter:
    """One automaton over the words each rule needs, built on first use."""
    return Prefilter([rule.pattern for rule in RULES])


def find_triggers(text: str, *, modality: bool = True, prefilter: bool = True) -> list[Trigger]:
    """Event triggers in ``text`` (a sentence), guards applied, each with its status.

    ``prefilter`` runs only the rules whose required words the sentence holds (one automaton
    scan, :class:`multivector.text.prefilter.Prefilter`); false runs every rule, the reference
    the filter is tested against. Both give the same triggers in the same order."""
    flat = re.sub(r"\s", " ", text)  # same length: offsets hold, line breaks no longer matter
    out: list[Trigger] = []
    scripts = {"en": _LATIN.search(flat) is not None, "ru": _CYRILLIC.search(flat) is not None}
    rules = ([RULES[i] for i in _rule_prefilter().candidates(flat)] if prefilter else RULES)
    for rule in rules:
        if not scripts[rule.name[:2]]:  # a rule of a language whose letters are not there
            continue
        for m in rule.pattern.finditer(flat):
            before = flat[max(0, m.start() - 50) : m.start()]
            after = flat[m.end() : m.end() + 40]
            if rule.reject_before is not None and rule.reject_before.search(before):
                continue
            if rule.reject_after is not None and rule.reject_after.match(after):
                continue
            if rule.require_before is not None and not rule.require_before.search(before):
                continue
            lead = flat[max(0, m.start() - 120) : m.start()]
            if _APPEAL.search(lead + ("to " if m.group().lower().startswith("to ") else "")):
                continue
            status, cue = (status_of(flat, m.start(), m.end(), rule.type) if modality
                           else ("happened", None))
            out.append(Trigger(rule, m.start(), m.end(), status, cue))
    return out


def clause_start(text: str, pos: int, limit: int = 150) -> int:
    """Where the clause that holds ``pos`` begins (at most ``limit`` characters back)."""
    lo = max(0, pos - limit)
    start = lo
    for m in CLAUSE_BREAK.finditer(text, lo, pos):
        start = m.end()
    return start


# the verb of a cue rules no trigger past a finite verb of its own: in "the proposal to hold a
# summit was welcomed", "proposal" governs "summit" but not "welcomed"
_FINITE = re.compile(r"(?i)\b(?:is|are|was|were|has|have|had|did|does|do|был\w*|являет\w*)\b")
_PAST_TRIGGER = re.compile(r"(?i)^(?:\w+ed|met|held|became|sent|gave|took|won|led|paid|made)\b"
                           r"|^\w+(?:ла|ли|ло|лся|лась|лись|лось)\b|^(?!был\b)\w+[иая]?л\b")


_PAST = re.compile(r"(?i)\b(?:\w+ed|was|were|had|did|took|held|met|became|made|gave|sent|paid"
                   r"|won|led|began|\w+(?:ла|ли|ло|лся|лась|лись|лось))\b")


_PAST_WORDS = 6


def reads_past(text: str, start: int, end: int) -> bool:
    """Whether the trigger at ``start:end``, or a verb at most six words before it in its
    clause, is in the past ("took over the chairmanship", "поддержала"): a date after the
    document is then no sign of a plan."""
    lead = text[clause_start(text, start) : start].split()[-_PAST_WORDS:]
    return _PAST.search(" ".join(lead) + " " + text[start:end]) is not None


def status_of(text: str, start: int, end: int, event_type: str) -> tuple[str, str | None]:
    """The status of the trigger at ``start:end`` of the sentence ``text``, and its cue."""
    trigger = text[start:end]
    if (m := _NEGATION.search(text, max(0, start - 40), start)) or (
            m := _NEGATION_INSIDE.search(trigger)):
        return "negated", m.group().strip()
    scope = text[clause_start(text, start) : start]
    if event_type in SPEECH_ACTS:
        scope = _POLITE.sub(lambda p: " " * len(p.group()), scope)
    head = text[:start]
    segment = head[head.rfind(";") + 1 :]
    tail = text[end:]
    tail = tail[: tail.find(";")] if ";" in tail else tail
    planned = _PLAN.search(trigger) or _PLAN_TRIGGER.search(trigger)
    if planned is None and not _PAST_TRIGGER.match(trigger):
        planned = _governing(_PLAN, scope) or _PLAN_AFTER.match(text[end : end + 40])
    modal = _MODAL.search(scope) or _MODAL_INSIDE.search(trigger)
    if m := _CONDITION.search(segment):
        return "conditional", m.group()
    if (planned or modal) and (m := _CONDITION.search(tail)):
        return "conditional", m.group()
    if modal:
        return "conditional", modal.group().strip()
    for status, cue in (("hoped", _HOPE), ("proposed", _PROPOSE)):
        if m := _governing(cue, scope):
            return status, m.group()
    if planned:
        return "planned", planned.group().strip()
    return "happened", None


def _governing(cue: re.Pattern[str], scope: str) -> re.Match[str] | None:
    """The last match of ``cue`` in ``scope`` (the clause up to the trigger), unless a finite
    verb stands between it and the trigger."""
    last = None
    for m in cue.finditer(scope):
        last = m
    if last is None or _FINITE.search(scope, last.end()):
        return None
    return last


_BOILERPLATE = re.compile(
    r"(?im)^[^\S\n]*(?:"
    r"(?:visit|see|read)\s+also\b.*|read\s+more\b.*|(?:читайте|смотрите)\s+также.*|см\.\s+также.*"
    r"|related(?:\s+(?:articles|news|posts|stories|materials|items|links|content))?\s*:?[^\S\n]*$"
    r"|more\s+(?:news|articles|stories)\b.*|(?:most\s+read|most\s+popular|popular\s+(?:news|posts"
    r"|articles)|latest\s+(?:news|posts|articles)|top\s+stories|recommended(?:\s+for\s+you)?"
    r"|по\s+теме|похожие\s+(?:новости|материалы|статьи|публикации)|другие\s+новости"
    r"|последние\s+новости|самое\s+читаемое|популярное)\s*:?[^\S\n]*$"
    r"|read\s+\d[\d,.\s]*\s+times?\b.*|.*\bread\s+\d[\d,.\s]*\s+times?[^\S\n]*$"
    r"|\(?\s*\d+\s+votes?\s*\)?[^\S\n]*$|rate\s+this\s+(?:item|article|post|story)\b.*"
    r"|(?:published|posted|filed)\s+(?:in|under)\s+[^\n.]{1,60}$"
    r"|(?:sign\s+up|subscribe)\b[^\n]{0,80}\b(?:newsletters?|news|updates|events|articles|alerts"
    r"|mailing|digest|channel)\b.*|follow\s+us\b.*"
    r"|(?:share|print|e-?mail|tweet|like|comments?|reply)(?:\s+(?:this|it|on\s+\w+))?"
    r"\s*(?:\(\d+\))?[^\S\n]*$"
    r"|(?:tags?|categor(?:y|ies)|keywords|теги|рубрик[аи])\s*:.*"
    r"|(?:copyright|©|\(c\)\s|all\s+rights\s+reserved|please\s+make\s+active\s+links|when\s+using"
    r"\s+materials|if\s+you\s+have\s+found\s+a\s+spelling\s+error|spelling\s+error\s+report"
    r"|все\s+права\s+защищены|при\s+(?:использовании|цитировании)\s+материал).*"
    r"|(?:home|main|главная)\s*[|»›>/].*"
    r"|(?:подписывайтесь|подпишитесь|поделиться|следите\s+за\s+нами|версия\s+для\s+печати"
    r"|распечатать|прочитано\s+\d|просмотров\s*:?\s*\d).*|комментари(?:и|ев)\s*\(?\d*\)?[^\S\n]*$"
    r"|\d+\s+просмотр\w*[^\S\n]*$"
    r"|(?:[^\n|»›•]{1,40}[|»›•][^\S\n]*){2,}[^\n|»›•]{0,40}$"  # navigation: Home | News | World
    r")")
# a heading alone on its line whose following lines are links to other pages
_LINK_LIST = re.compile(r"(?i)^\W*(?:(?:visit|see|read)\s+also|read\s+more|related(?:\s+\w+)?"
                        r"|more\s+(?:news|articles|stories)|most\s+read|popular(?:\s+\w+)?"
                        r"|latest\s+\w+|top\s+stories|recommended(?:\s+for\s+you)?|(?:читайте"
                        r"|смотрите)\s+также|см\.\s+также|по\s+теме|похожие\s+\w+|другие\s+новости"
                        r"|последние\s+новости|самое\s+читаемое|популярное)\W*$")
_LINK_WORDS = 20
_LINK_LINES = 20


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines of ``text`` that belong to a web page's frame, not its text:
    navigation, "Visit also" and the links under it, counters, sign-up and sharing lines."""
    out: list[tuple[int, int]] = []
    for m in _BOILERPLATE.finditer(text):
        if m.end() > m.start():
            out.append((m.start(), m.end()))
            if _LINK_LIST.match(m.group()):
                out.extend(_links_under(text, m.end()))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(out):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _links_under(text: str, pos: int) -> list[tuple[int, int]]:
    """The short unpunctuated lines (link titles) that follow a "Read also" heading."""
    out = []
    for _ in range(_LINK_LINES):
        if pos >= len(text):
            break
        nl = text.find("\n", pos + 1)
        end = len(text) if nl < 0 else nl
        line = text[pos:end].strip()
        if line:
            if len(line.split()) > _LINK_WORDS or line[-1] in ".!?…":
                break
            out.append((text.index(line, pos), text.index(line, pos) + len(line)))
        pos = end
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
