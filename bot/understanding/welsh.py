"""Welsh: which language a message is written in, and a Welsh message read as the engine's English.

A Welsh question is not understood by a second engine: its words are glossed, phrase by phrase,
into the plain English words the engine already reads ("Pwy sy'n hyfforddi yng Nghyngor
Abertawe?" → "who train in council Abertawe"), and everything else (cues, negations, follow-ups,
councils, filters, figures) works as it does for English. Words the table does not know are left
as written, so English mixed into Welsh ("pwy sy'n neud y training") reads as English, and a
council's or town's name is never glossed ("Bro Morgannwg", "Sir y Fflint").

Welsh changes a word's first letters after some words (initial mutations: "Caerdydd", "i
Gaerdydd", "yng Nghaerdydd", "a Chaerdydd"). `MUTATIONS` holds the rule, once; `mutated` applies
it to the glossary's Welsh words and to Welsh council and town names when the tables are built,
so reading a message is only lookups.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence

from bot.languages import Language
from bot.understanding.text import normalise
from bot.understanding.vocabulary import KNOWN_WORDS, SHORTHAND
from knowledge.models import Council

logger = logging.getLogger(__name__)

# Radical (dictionary) initial → (soft, nasal, aspirate) mutation; None where the initial takes
# no such mutation. A soft-mutated g is dropped: "Gwynedd" → "yn Wynedd"? no: "i Wynedd".
MUTATIONS: dict[str, tuple[str | None, str | None, str | None]] = {
    "c": ("g", "ngh", "ch"),
    "p": ("b", "mh", "ph"),
    "t": ("d", "nh", "th"),
    "g": ("", "ng", None),
    "b": ("f", "m", None),
    "d": ("dd", "n", None),
    "m": ("f", None, None),
    "ll": ("l", None, None),
    "rh": ("r", None, None),
}
# Initials written with two letters, which are not their first letter mutated: "ch" is not "c".
_DIGRAPHS = ("ch", "dd", "ff", "ng", "ll", "ph", "rh", "th")


def _initial(word: str) -> str:
    return word[:2] if word[:2] in _DIGRAPHS else word[:1]


def mutated(word: str) -> set[str]:
    """`word` (radical) and its soft, nasal and aspirate forms: "cyngor" → cyngor, gyngor,
    nghyngor, chyngor."""
    initial = _initial(word)
    forms = {word}
    for prefix in MUTATIONS.get(initial, ()):
        if prefix is not None and len(word) > len(initial) + 1:
            forms.add(prefix + word[len(initial) :])
    return forms


def radicals(word: str) -> set[str]:
    """The words `word` may be a mutation of, itself included: "gaerfyrddin" → gaerfyrddin,
    caerfyrddin; "ddinbych" → ddinbych, dinbych. Names in the register are sometimes written
    mutated ("Sir Gaerfyrddin")."""
    found = {word}
    for radical, prefixes in MUTATIONS.items():
        for prefix in prefixes:
            if prefix and word.startswith(prefix) and len(word) > len(prefix) + 1:
                rest = word[len(prefix) :]
                # "ch" + "wefror" is not a mutated c: the rest must not make a digraph.
                if _initial(radical + rest) == radical:
                    found.add(radical + rest)
    return found


# Mutated names shorter than this are not looked for.
_SHORTEST_MUTATED_NAME = 4


def name_forms(name: str) -> set[str]:
    """Every way a normalised Welsh name is written after a mutating word: its first word's
    radicals, each mutated every way ("gaerfyrddin" → caerfyrddin, nghaerfyrddin …)."""
    first, _, rest = name.partition(" ")
    forms = {f"{form} {rest}".strip() for radical in radicals(first) for form in mutated(radical)}
    # A short form ("Gâr" → "ar") or one that is a Welsh word would be read in every message.
    return {name} | {
        form
        for form in forms
        if len(form) >= _SHORTEST_MUTATED_NAME and form not in GLOSSARY_ENTRIES
    }


# How Welsh speakers name English counties: "Swydd Lincoln" or "Sir Lincoln" for Lincolnshire.
_SHIRE_WORDS = ("swydd", "sir")
# Welsh names of English councils and places that are not the English name with "Swydd": a
# council's code → its Welsh names. (Welsh councils' Welsh names are in the register.)
EXONYMS: dict[str, tuple[str, ...]] = {
    "ERY": ("Dwyrain Swydd Efrog", "Dwyrain Efrog", "Dwyrain Riding Swydd Efrog"),
    "NYK": ("Gogledd Swydd Efrog",),
    "YOR": ("Efrog", "Caerefrog"),
    "SHR": ("Swydd Amwythig", "Sir Amwythig", "Amwythig"),
    "HEF": ("Swydd Henffordd", "Sir Henffordd", "Henffordd"),
    "GLS": ("Swydd Gaerloyw", "Sir Gaerloyw", "Caerloyw"),
    "LAN": ("Swydd Gaerhirfryn", "Sir Gaerhirfryn"),
    "WOR": ("Swydd Gaerwrangon", "Sir Gaerwrangon", "Caerwrangon"),
    "OXF": ("Swydd Rydychen", "Sir Rydychen", "Rhydychen"),
    "CAM": ("Swydd Gaergrawnt", "Sir Gaergrawnt", "Caergrawnt"),
    "LEC": ("Swydd Gaerlyr", "Sir Gaerlyr"),
    "BST": ("Bryste",),
    "KEN": ("Caint",),
    "CON": ("Cernyw",),
    "DEV": ("Dyfnaint",),
    "LIV": ("Lerpwl",),
    "MAN": ("Manceinion",),
}


def welsh_names(council: Council) -> list[str]:
    """A council's names in Welsh: the register's (also without "Cyngor") and the exonyms
    above."""
    names = [name for name in (council.welsh_name, council.welsh_official_name) if name]
    # "Sir Gâr" for "Cyngor Sir Gâr", "Dinas Caerdydd" for "Cyngor Dinas Caerdydd".
    names += [name[len("cyngor ") :] for name in names if name.lower().startswith("cyngor ")]
    return names + list(EXONYMS.get(council.code, ()))


def shire_names(council: Council) -> list[str]:
    """ "Swydd Stafford" and "Sir Stafford" for an English shire: names that are only whole (the
    "Stafford" in them is the borough)."""
    short = normalise(council.short_name)
    if council.nation != "England" or not short.endswith("shire") or " " in short:
        return []
    return [f"{word} {short.removesuffix('shire')}" for word in _SHIRE_WORDS]


# The glossary: Welsh words and phrases (radical forms; "/" separates alternatives), each with
# the English the engine reads for them (nothing: a word that adds nothing). Accents and capitals
# do not matter; mutated forms of each phrase's first word are made by `mutated`. A word written
# after an apostrophe ("sy'n", "mae'r", "wedi'i") is a piece of its own: "'n", "'r", "'i".
# Longer phrases are read before shorter ones.
GLOSSARY = """
pwy = who
ok/okay/cool/lol/haha/hmm = ok
pam/pam fod/pam bod/pam mae = why
erbyn pryd/erbyn = by when
bod/fod =
'te/'ta/te = then
x/xx/xxx =
ychwanega/ychwanegwch/ychwanegu/ychwanegwch fi = add
at = to
o'n = of my
ei hun/ei hunan/eu hunain = itself
dinas = city
symud = going
yn union/union =
sori/sorry = sorry
pawb = everyone
holl/i gyd/cyfan = all
ar draws/drwy'r/trwy'r = across
sylwi/wedi sylwi/'n sylwi/yn sylwi/sylwi arno = notice
ers/ers dechrau/ers cychwyn = since
ers tro/ers amser = long
llygaid = eyes
bwrdeistref/bwrdeistrefi = boroughs
ymateb/ymatebion/yn ymateb/'n ymateb = responding
yn dda/'n dda = well
yn gadarnhaol/'n gadarnhaol/cadarnhaol = positively
meddwl/ystyried/yn meddwl/'n meddwl/yn ystyried/'n ystyried = thinking
oedolion/gwasanaethau oedolion = adults
gwasanaeth/gwasanaethau = services
asesiad/asesiadau/asesu = assessment
sengl = single
gweledigaeth = vision
cynllun/cynlluniau = plan
cynllun hyfforddi/cynllun hyfforddiant = training plan
partner/partneriaid = partners
aml-asiantaeth/aml asiantaeth = multi agency
risg/risgiau = risks
cryfder/cryfderau = strengths
ateb/atebion/datrysiad/datrysiadau = answers
cynlluniau diogelwch/cynllun diogelwch = safety plans
newydd gymhwyso/newydd gymhwyso'n = newly qualified
dadansoddi/dadansoddiad = analysis
cliriach/gliriach/yn gliriach/'n gliriach = clearer
mapio = mapping
sgil/sgiliau = skills
offer/offeryn = tools
ymarfer = practice
cydweithio = collaboratively
croesawu/wedi croesawu = welcomed
lleoliad/lleoliadau/lleol = locality
cyfarfod/cyfarfodydd = meeting
uwch = senior
swyddog/swyddogion = officer
datblygu'r gweithlu/datblygu gweithlu = workforce development
blynyddoedd cynnar = early years
cymorth cynnar/help cynnar/ymyrraeth gynnar/ymyrraeth gynnar = early help
ieuenctid/pobl ifanc = youth
statudol = statutory
proses = process
achos/achosion = cases
disgwyl/disgwylir/yn disgwyl = expected
rhyngwladol = international
cynulliad/casgliad = gathering
anfonodd/anfonon/anfonwyd/gyrrodd/gyrron/gyrrwyd = sent
hyrwyddo/eiriol = advocating
cefnogaeth lawn = full backing
pan/pan fydd/pan mae = when
rhywbeth/unrhyw beth newydd = something
diweddaraf/diweddara/y diweddaraf = latest news
newydd = new
rhan = part
rhedeg/yn rhedeg/'n rhedeg = runs
sefyllfa = status
peth/pethau/petha = things
hanes = summary
wt ti/wt ti'n/ti'n = are you
gwbod/gwbo = know
nath/naeth/nathon = did
ydio/ydy o/ydy e/ydi o/dio/yw e/ydy hi = is it
sgen ti/sgin ti/oes gen ti/oes gynnoch chi/oes gennych chi = have you got
arni/arnyn nhw/arnyn/arno/ynddo/ynddi/yn llawn/llawn =
mynd/yn mynd/'n mynd = going
dal yn/yn dal yn = still
cyn bo hir/yn fuan/buan = soon
allweddol = key
aeth/aethon/aeth i/aethon i/wedi mynychu/mynychu/fynychodd = attended
cyflwyniad/hyfforddiant cyflwyno/cyflwyniadol/hyfforddiant cyflwyniadol = introduction training
ychwanegol/pellach = further
ar gyfer/ar ran = for
gadael/gad/gadewch = let
ma/ma'r/ma nhw/mae nhw = is
rheiny/rheini/rheina/rheina = those
pa rai = which ones
rhai = some
cymharu/cymharwch/cymhara/cymhariaeth = compare
heddiw = today
beth/be = what
pryd/pryd mae/pryd fydd/pryd bydd = when
ble/lle/ble mae/lle mae = where
o ble/o le = where from
faint/faint o/sawl = how many
pa = which
pa mor = how
sut = how
sut mae/sut mae'r = how is
sut i/sut mae defnyddio/sut dw i'n defnyddio/sut ydw i'n defnyddio = how to use
shwmae/shwmai/smae/sumae/s'mae/helo/hylo/haia/hai = hello
bore da = good morning
prynhawn da/pnawn da = good afternoon
noswaith dda/nos da = good evening
oes/a oes/oes yna/oes 'na = is there
ydy/ydi/yw/ydyw/a ydy/a yw/ai = is
ydyn/ydan/ydych/ydach/a ydyn = are
ydw/ydw i/ydw i'n = am i
oedd/roedd/oedden = was
mae/mae'n/maen/mae nhw/maen nhw/mae 'na/mae yna = is
mae'r/maer = is the
y maer/yw maer/ydy maer/maer y = the mayor
sy/sydd/sy'n/syn/sydd yn =
wedi/wedi'i/wedii/wedi'u/'di/di = has
wedi dechrau/wedi cychwyn/di dechrau = started
wedi tanysgrifio/wedi cofrestru/wedi ymuno = subscribed
dw/dw i/dwi/dw i'n/dwi'n/dwin/rydw i/rydw/rwy/rwyf/rwy'n/rwyn/wi/wi'n/rydw i'n = i am
dw i ddim/dwi ddim/dw i'm/dwim/dydw i ddim/sa i/sai = i am not
wyt ti/wyt ti'n/ydych chi/ydych chi'n/dach chi/dych chi = are you
beth wyt ti/beth ydych chi/be ti/be dach chi = what do you
ga i/cha i/alla i/gallaf = can i
alli di/allwch chi/elli di/gallwch chi/fedrwch chi/fedri di = can you
gallu/galla/medru = can
fydd/bydd/byddan/fyddan = will be
oes gen i/oes gynna i/oes gyda fi/oes gennyf = do i have
sydd gen i/sy gen i/sydd gyda fi/gen i/gynna i/gyda fi = i have
ganddyn nhw/ganddyn/gyda nhw = they have
ganddo/ganddi = it has
i/'w = to
i fi/i mi/ata i/ata fi/ataf i/ataf/arna i/arna fi/wrtha i/wrtha fi/wrthyf = me
fi/mi = me
fy/'m = my
ti/chi = you
ni = we
nhw/'u/eu = them
ei/'i = its
ein = our
eich/dy/'th = your
hwn/hon/hyn/hynny/yma/'ma/yna/'na = this
yno/fan'na/fanna = there
y/yr/'r = the
yn/'n/yng/ym/mewn = in
o/'o = of
o'r/or = of the
i'r/ir = to the
a'r = and the
am/ynghylch/ynglyn a/ynglyn ag/parthed = about
ar = on
oddi ar = off
gyda/efo/gan/hefo = with
a/ac/a hefyd = and
neu = or
ond = but
os = if
felly = so
hefyd/hefyd 'fyd/'fyd/fyd = also
beth am/be am/a beth am/a be am/beth ynglyn a/be ynglyn a = what about
a beth/a be = and what
arall/eraill = else
plis/os gwelwch yn dda/os gweli di'n dda/os gwelwch chi'n dda/plîs = please
iawn = ok
da iawn/gwych/grêt/ffab/ardderchog/bendigedig = great
hyfryd = lovely
perffaith = perfect
diolch/diolch i ti/diolch i chi/ta = thanks
diolch yn fawr/diolch yn fawr iawn/diolch o galon/diolch yn fawr i chi = thanks very much
diolch eto = thanks again
dim diolch/na diolch = no thanks
ie/ia = yes
na/nac/naddo/nage = no
ddim/nid/nad/nag = not
dim/sdim/does dim/dydy ddim/does 'na ddim = no
paid/peidiwch/paid a/paid ag/peidiwch a/peidiwch ag/pidiwch/pidwch = dont
heb = without
byth/erioed = never
mwyach/rhagor = anymore
dim mwy/dim rhagor/ddim mwy/ddim rhagor/dim mwy o/dim rhagor o = no more
bellach/erbyn hyn/nawr/rwan/rŵan/ar hyn o bryd/ar y funud/ar hyn o bryd = now
eto = yet
yn barod/eisoes = already
dal/dal i/yn dal/yn dal i = still
eisiau/isio/isie/eisie/moyn/mo'yn/ishe = want
angen = need
hoffwn/hoffwn i/licwn/liciwn/baswn i'n hoffi/hoffi/licio = would like
dweud/deud/dwed/dywed/dywedwch/deudwch/dwedwch/gwed/gweud = tell
dweud wrtha i am/deud wrtha i am/dwed wrtha i am = tell me about
dywed wrtha i am/dywedwch wrtha i am/deudwch wrtha i am = tell me about
rho/rhowch/rhoi/rhodda = give
rho wybod/rhowch wybod/rhoi gwybod/gadewch i mi wybod/gad i mi wybod/gadael i mi wybod = let me know
dangos/dangoswch/dangosa = show
gwybod/wybod/ei wybod = know
gwneud/neud/ei wneud/yn ei wneud/'n ei wneud/yn gwneud/'n gwneud/yn neud/'n neud/wneud = doing
gweithio = working
gweithio gyda/gweithio efo/gweithio hefo = work with
gwaith = work
cael/ca/cha = getting
derbyn = receive
dod = come from
dod ymlaen/dod yn eu blaen/dod yn ei flaen = getting on
ymlaen = on
gofyn/holi = ask
teipio/sgwennu/ysgrifennu = type
defnyddio/yn defnyddio/'n defnyddio/iwsio/iwso/yn iwsio/'n iwsio = using
rolio allan/rholio allan/cyflwyno'n raddol = rolling out
cychwyn/dechrau/dechreuodd/dechreuwyd = started
cyrraedd = up to
cynllunio = planning
dal i gynllunio/yn dal i gynllunio = still planning
gweithredu/rhoi ar waith/cyflwyno = implementing
mabwysiadu/wedi mabwysiadu = adopted
sefydlu/sefydledig/wedi ymsefydlu/wedi'i sefydlu = established
ymgorffori/wedi ymgorffori = embedded
cynnydd/datblygiad = progress
pa mor bell/pa mor bell ymlaen = how far
pell = far
cam/camau = stage
cyfnod/cyfnodau = phase
statws = status
lefel = level
taith = journey
arwyddion diogelwch/arwyddion o ddiogelwch/arwyddion o ddiogelu = signs of safety
dull/dulliau/ymagwedd/y dull/'r dull =
model = model
hyfforddwr/hyfforddwyr/hyfforddwraig/hyfforddwragedd = trainer
hyfforddi/yn hyfforddi/'n hyfforddi = train
hyfforddiant/hyfforddiannau = training
rhedeg yr hyfforddiant/rhedeg hyfforddiant = runs the training
cynnal yr hyfforddiant/cynnal hyfforddiant = runs the training
darparu/cyflwyno'r hyfforddiant/darparu'r hyfforddiant = deliver
ymgynghorydd/ymgynghorwyr/ymgynghorwraig/ymgynghorol = consultant
cefnogi/cefnogaeth/cymorth = support
helpu/help/helpa/helpwch = help
helpa fi/helpwch fi/helpa fi plis/help plis/helpu fi = help me
cwmni/sefydliad/asiantaeth = organisation
pobl/unigolion/person/personau = people
cyswllt/cysylltiad/cysylltiadau/manylion cyswllt = contact
cysylltu/cysylltu a/cysylltu ag/siarad a/siarad ag/siarad gyda/siarad efo = contact
arwain/arweinydd/arweinwyr/arweinwyr prosiect = lead
rheoli/rheolwr/rheolwyr/rheolwraig = manager
rheolwr prosiect/rheolwr y prosiect = project manager
cyfarwyddwr/cyfarwyddwyr/cyfarwyddwr cynorthwyol = director
cadeirydd/cadeirio/cadeirio'r = chair
grwp llywio/grŵp llywio = steering group
pennaeth/penaethiaid = head
cyfrifol = responsible
tu ol/tu ôl/y tu ol/y tu ôl = behind
tîm/tim = team
hyrwyddwr/hyrwyddwyr/hyrwyddwyr ymarfer = champions
arweinwyr ymarfer/arweinydd ymarfer = practice leaders
arweinwyr ymarfer eraill/mwy o arweinwyr ymarfer = further practice leaders
ymarferydd/ymarferwyr = practitioners
gweithiwr cymdeithasol/gweithwyr cymdeithasol = social workers
prif weithiwr cymdeithasol = principal social worker
gwaith cymdeithasol = social work
gwasanaethau plant/gwasanaethau i blant = childrens services
gofal cymdeithasol = social care
amddiffyn plant = child protection
diogelu = safeguarding
plant = children
teulu/teuluoedd = families
staff/gweithwyr/gweithlu = staff
rheng flaen = frontline
uwch dim rheoli/uwch reolwyr = senior management team
rheolwyr tîm/rheolwyr tim = team managers
digwyddiad/digwyddiadau = events
dyddiad/dyddiadau = dates
cwrs/cyrsiau = course
cwrs preswyl/cyrsiau preswyl = residential course
preswyl/preswylfa = residential
sesiwn/sesiynau = session
gweithdy/gweithdai = workshop
cynhadledd/cynadleddau = conference
nesaf/nesa/nesaf i ddod = next
i ddod/sydd i ddod/sy i ddod/sy'n dod/sydd ar ddod/ar ddod = upcoming
ar y gweill/wedi'i drefnu/wedi eu trefnu/wedi'u trefnu/wedi'i gynllunio = planned
amserlen = timetable
calendr = calendar
carreg filltir/cerrig milltir = milestone
llinell amser = timeline
digwydd/yn digwydd/'n digwydd/ar y gweill yn = happening
beth sy'n digwydd/be sy'n digwydd/beth sydd yn digwydd = what is happening
beth sy'n mynd ymlaen/be sy'n mynd ymlaen = what is happening
mynd ymlaen = going on
diwrnod/diwrnodau/dyddiau/dydd = days
mis/misoedd = month
blwyddyn/blynedd/blynyddoedd = year
eleni = this year
llynedd/y llynedd = last year
ionawr = january
chwefror = february
mawrth = march
ebrill = april
mai = may
mehefin = june
gorffennaf = july
awst = august
medi = september
hydref = october
tachwedd = november
rhagfyr = december
tanysgrifio/tanysgrifiwch/tanysgrifia/tanysgrifo/subscribio/sybscreibio/sybsgreibio = subscribe
wedi subscribio/wedi sybscreibio = subscribed
tanysgrifiad/tanysgrifiadau = subscriptions
dad-danysgrifio/daddanysgrifio/datdanysgrifio/dadanysgrifio = unsubscribe
dad-danysgrifiwch/dad-danysgrifia/dad-tanysgrifio/dadtanysgrifio = unsubscribe
atgoffa/atgoffwch/atgoffa fi/atgoffwch fi/atgoffa i/atgoffwch i = remind me
nodyn atgoffa/nodiadau atgoffa/neges atgoffa/negeseuon atgoffa/hysbysiad atgoffa = reminders
e-bost atgoffa/ebost atgoffa = reminders
rhybudd/rhybuddion/hysbysiad/hysbysiadau = alerts
neges/negeseuon/negesau = message
anfon/anfonwch/anfona/gyrru/gyrrwch = notify
cofrestru/cofrestrwch/cofrestra/ymuno = register
dilyn/dilynwch = follow
yn dilyn/'n dilyn/eu dilyn/yn eu dilyn/'n eu dilyn = following
colli = miss
cadw/cadwch = keep
cadw fi yn y lwp/cadwch fi yn y lwp = keep me posted
cadw fi'n gyfoes/cadwch fi'n gyfoes/cadw fi'n gyfredol/cadwch fi'n gyfredol = keep me posted
diweddariad/diweddariadau = updates
stopio/stopiwch/stopia/stopa/stop/rhoi'r gorau i/rhowch y gorau i/rhoi'r gorau = stop
canslo/canslwch/ganslo = cancel
diffodd/diffoddwch = turn off
tawelu/tewi = silence
dileu/dilewch = delete
tynnu/tynnwch/tynna = take
tynnu fi oddi ar/tynnwch fi oddi ar/tynna fi oddi ar/tynnu fi o/tynnwch fi o = take me off
gadael llonydd i mi/gadewch lonydd i mi/gad lonydd i mi = leave me alone
digon/digon yw digon = enough
popeth/pob dim/bob dim/y cwbl/y cyfan = everything
pob/bob un/pob un = every
unrhyw/unrhyw beth/unrhyw un = any
rhywun/rhywrai = anyone
cyngor = council
cynghorau = councils
awdurdod/awdurdod lleol = authority
awdurdodau/awdurdodau lleol = authorities
ardal/ardaloedd/rhanbarth/rhanbarthau = areas
sir/siroedd = counties
rhwydwaith = network
y du/deyrnas unedig/y deyrnas unedig/prydain = uk
cymru = wales
lloegr = england
yr alban/alban = scotland
gogledd iwerddon = northern ireland
iwerddon = ireland
gogledd = north
de = south
dwyrain = east
gorllewin = west
canolbarth = midlands
rhestr/rhestrwch/rhestra/rhestru = list
enw/enwau/enwch = name
gwybodaeth/wybodaeth = information
manylion = details
trosolwg = overview
crynodeb/crynhoi = summary
newyddion = news
cofnod/cofnodion = record
ffynhonnell/ffynonellau = source
cyfredol/cyfoes = current
diweddar = recent
cywir = accurate
hen = old
esbonio/esboniwch/egluro/eglurwch/esbonia/eglura = explain
ystyr = meaning
golygu = mean
gwnaeth/wnaeth/adeiladodd/greodd = made
bot/bot 'ma/bot yma/y bot 'ma = this bot
amdanat ti/amdanoch chi/amdanat/amdanoch = about you
gorchymyn/gorchmynion = commands
enghraifft/enghreifftiau = examples
dewislen/opsiynau = options
mathau o bethau/mathau o gwestiynau/math o gwestiynau/pa fath o gwestiynau = kind of questions
cwestiwn/cwestiynau = question
rhif/rhifau/nifer/nifer o/nifer y = number of
cyfanswm = total
hir/mor hir = long
ffigur/ffigurau/ystadegau = figures
pêl-droed/pel droed/peldroed = football
gem/gêm/gemau/gêmau/match = match
sgôr/sgor = score
ennill/enillodd/enillon = won
colli'r gêm/collodd = lost
tywydd = weather
glaw/bwrw glaw = rain
eira = snow
treth/trethi/treth cyngor/treth y cyngor = tax
bin/biniau/sbwriel/gwastraff = bins
ailgylchu = recycling
parcio/maes parcio = parking
twll/tyllau/twll yn y ffordd = pothole
ffordd/ffyrdd/heol/heolydd = roads
palmant = pavement
trwydded = licence
cais/ceisiadau = application
ysgol/ysgolion = school
gwyliau/gwyliau ysgol = holidays
tymor = term
llyfrgell/llyfrgelloedd = library
tai/tŷ/ty/cartref/cartrefi = housing
rhent = rent
budd-dal/budd-daliadau/budd dal/budd daliadau = benefits
bws/bysiau = bus
trên/tren/trenau = railway
gorsaf = station
gwesty/gwestai = hotel
bwyty/bwytai = restaurant
tafarn/tafarndai = pub
siop/siopau = shops
poblogaeth = population
byw/yn byw = live
etholiad/etholiadau = election
pleidlais/pleidleisio = vote
cynghorydd/cynghorwyr = councillors
swydd/swyddi = role
swyddi gwag/swydd wag/swydd newydd = vacancies
cyflog/cyflogau = salary
talu/tâl = pay
dirwy/dirwyon = fines
tocyn/tocynnau = tickets
sinema = cinema
traeth/traethau = beach
amgueddfa = museum
castell = castle
eglwys gadeiriol = cathedral
ysbyty = hospital
meddyg/doctor/meddyg teulu = doctor
deintydd = dentist
rysáit/rysait/ryseitiau = recipe
jôc/joc/jôcs/jocs = joke
chwarae/chwaraeodd/chwaraewr = playing
llogi = hire
archebu/bwcio = booking
goleuadau/goleuo = lighting
theatr = theatre
cyngerdd/gig = concert
maethu/gofalwyr maeth/gofal maeth = fostering
traffig = traffic
salwch/symptomau/clefyd = illness
"""


def _table_lines(table: str) -> Iterator[tuple[str, str]]:
    for line in table.strip().splitlines():
        welsh, _, english = line.partition("=")
        for alternative in welsh.split("/"):
            yield alternative.strip(), english.strip()


# Accented and curly characters → plain ASCII ones of the same length, so that a piece found in
# the folded text is at the same place in the message as written (where its capitals are).
def _fold_table() -> dict[int, str]:
    table = {ord(quote): "'" for quote in "’‘`"}
    for code in range(0xC0, 0x250):  # Latin-1 and Latin Extended-A and -B: â, ŵ, ŷ, ï …
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c)
        )
        if len(plain) == 1 and plain.isascii():
            table[code] = plain
    return table


_FOLD = _fold_table()
# A word, or a word written after an apostrophe ("'n" of "sy'n"): one unbounded repeat.
_PIECE = re.compile(r"'?[^\W_]+")


def _pieces(text: str) -> list[tuple[int, int, str]]:
    """The words of `text` as (start, end, folded form), in order."""
    folded = text.translate(_FOLD).lower()
    return [(m.start(), m.end(), m.group()) for m in _PIECE.finditer(folded)]


def _key(phrase: str) -> str:
    return " ".join(piece for _, _, piece in _pieces(phrase))


def _glossary(table: str, english_words: frozenset[str]) -> dict[str, str]:
    """Folded Welsh phrase → English, with the mutated forms of each phrase's first word (those
    that are not English words nor written out in the table themselves)."""
    written = {_key(welsh): english for welsh, english in _table_lines(table)}
    glossary: dict[str, str] = {}
    for phrase, english in written.items():
        first, _, rest = phrase.partition(" ")
        for form in sorted(mutated(first) - {first}):
            mutated_phrase = f"{form} {rest}".strip()
            if mutated_phrase not in written and form not in english_words:
                glossary.setdefault(mutated_phrase, english)
    glossary.update(written)
    return glossary


# Words that count as English in a message: the engine's vocabulary, bar shorthand that is also
# Welsh ("da", "n", "r").
_ENGLISH_WORDS = KNOWN_WORDS - set(SHORTHAND)
GLOSSARY_ENTRIES = _glossary(GLOSSARY, _ENGLISH_WORDS)
# A message is read as written in a language on at least this many of its words.
_LEAST_ENGLISH_WORDS = 2
_LEAST_WELSH_WORDS = 1
# The name of the approach, which Welsh speakers write in English too.
_APPROACH = frozenset({"signs", "of", "safety", "sofs", "sos"})


class Welsh:
    """Tells Welsh from English, and reads Welsh as English, around the names `name_at` knows.

    `name_at(words, start)`: how many of the normalised `words` from `start` make a council's
    or town's name (0 for none); such words are left as written."""

    def __init__(
        self, name_at: Callable[[Sequence[str], int], int], name_words: Iterable[str] = ()
    ) -> None:
        self._name_at = name_at
        self._glossary = GLOSSARY_ENTRIES
        self._longest = max(len(phrase.split()) for phrase in self._glossary)
        welsh_words = {
            word for phrase in self._glossary for word in phrase.split() if "'" not in word
        }
        # Words of both languages ("a", "am", "plant"), shorthand, single letters, the words of
        # council names ("cyngor", "sir") and the approach's name, which Welsh keeps, tell nothing.
        neutral = (welsh_words & _ENGLISH_WORDS) | set(SHORTHAND) | set(name_words) | _APPROACH
        self._welsh_words = frozenset(w for w in welsh_words - neutral if len(w) > 1)
        self._english_words = frozenset(w for w in _ENGLISH_WORDS - neutral if len(w) > 1)

    def reading(self, text: str, normalised: str) -> tuple[Language | None, str]:
        """The language `text` (`normalised`) is written in, and the text to read: Welsh glossed
        into English, and so is a message with no English word at all ("A Suffolk?": "and
        Suffolk?", too short to be called Welsh)."""
        welsh, english = self._counts(normalised)
        if welsh >= _LEAST_WELSH_WORDS and welsh > english:
            return Language.WELSH, self.english(text)
        if english >= _LEAST_ENGLISH_WORDS and english > welsh:
            return Language.ENGLISH, text
        return None, self.english(text) if english == 0 else text

    def language_of(self, normalised: str) -> Language | None:
        """The language a normalised message is written in, by counting the words only Welsh or
        only English has; None for a message with too few of either (a council's name, "ok")."""
        return self.reading(normalised, normalised)[0]

    def _counts(self, normalised: str) -> tuple[int, int]:
        welsh = english = 0
        for word in normalised.split():
            if word in self._welsh_words:
                welsh += 1
            elif word in self._english_words:
                english += 1
        return welsh, english

    def english(self, text: str) -> str:
        """`text` with its Welsh glossed into English: longest phrase first, names and words
        the glossary does not know left as written (with their capitals and the punctuation
        between them). Linear: each word looks ahead a bounded number of words."""
        pieces = _pieces(text)
        folded = [piece for _, _, piece in pieces]
        plain = [piece.lstrip("'") for piece in folded]
        out: list[str] = []
        position, written_up_to = 0, 0
        while position < len(pieces):
            start = pieces[position][0]
            named = self._name_at(plain, position)
            if named:
                end = pieces[position + named - 1][1]
                out.append(text[written_up_to:end])
                written_up_to, position = end, position + named
                continue
            size, english = self._phrase_at(folded, position)
            if size:
                out.append(f"{text[written_up_to:start]} {english} ")
                written_up_to, position = pieces[position + size - 1][1], position + size
                continue
            out.append(text[written_up_to : pieces[position][1]])
            written_up_to, position = pieces[position][1], position + 1
        out.append(text[written_up_to:])
        return "".join(out)

    def _phrase_at(self, folded: list[str], position: int) -> tuple[int, str]:
        for size in range(min(self._longest, len(folded) - position), 0, -1):
            english = self._glossary.get(" ".join(folded[position : position + size]))
            if english is not None:
                return size, english
        return 0, ""
