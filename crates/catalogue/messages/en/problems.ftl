## What is wrong with something a person typed, and how to put it right.

text-empty = { $what } is empty
text-too-long = { $what } is { $len } characters long; the limit is { $max }
text-control-character = { $what } contains a control character
country-code-invalid = '{ $value }' is not a two-letter ISO country code (for example KE, UG, SA)
date-invalid = '{ $value }' is not a date; write it as YYYY-MM-DD, for example 2020-03-31
round-ends-before-start = the round ends ({ $end }) before it starts ({ $start })
month-invalid = '{ $value }' is not a month; write it as YYYY-MM (for example 2020-03) or YYYY-MM-DD
journey-no-end = a route needs an intended destination or a place of exploitation (or both)
journey-origin-count = a route has exactly one origin; found { $found }
journey-repeated-role = a route has at most one { $role }
journey-out-of-order = stops are out of travel order: { $later } comes before { $earlier }
journey-too-many-transits = a route has at most { $max } transit points; found { $found }
term-unknown = '{ $value }' is not a known { $vocabulary }
term-unknown-suggest = '{ $value }' is not a known { $vocabulary } (did you mean: { $suggestions }?)
report-period-backwards = the period ends ({ $end }) before it starts ({ $start })
report-victims-both = gives both an estimate and a withheld small count; give one of them
report-gender-sum = female, male and other add up to { $sum }, more than the { $victims } people reported
report-age-sum = children and adults add up to { $sum }, more than the { $victims } people reported

## About one field's value: shown after the value ("'lots' is not a whole number").
cell-organisation-empty = is empty; name the organisation that reported the route
cell-organisation-unknown = is not a registered organisation; the network coordinator registers organisations
cell-round-empty = is empty; name the collection round
cell-round-unknown = is not a known collection round; the network coordinator adds rounds
cell-reference-personal = holds what looks like personal data (a phone, e-mail or ID number); use your own case reference, or leave it empty
cell-refused = cannot be used: { $reason }
cell-origin-empty = is empty; every route needs the place it starts from
cell-transit-empty-item = has an empty place; separate transit points with a single ';'
cell-end-empty = is empty, and so is the place of exploitation; a route needs at least one of them
cell-unknown-choice = is not a known { $vocabulary }
cell-unknown-choice-suggest = is not a known { $vocabulary }; did you mean { $suggestions }?
cell-withheld-count = is not a withheld count; write it as <5 (fewer than five)
cell-count-negative = is negative; give a whole number of 0 or more, or leave it empty if unknown
cell-count-too-large = more than { $max } people in one route report; check the number (was an ID or phone number typed here?)
cell-count-not-number = is not a whole number; give a number such as 12, or leave it empty if unknown
cell-month = is not a month; write YYYY-MM (for example 2020-03) or YYYY-MM-DD
cell-place-refused = cannot be used as a place: { $reason }
cell-notes-refused = cannot be stored: { $reason }
cell-notes-names = '{ $names }' may be the name of a person. Names of survivors, or of anyone else, must never be written here: remove it. If it is not a person's name, say so (the box under the notes, or --names-checked when importing).
cell-duplicate-reference = is used again (first on row { $first }); each report of an organisation needs its own reference
cell-unodc-count = is not a count of victims
cell-unknown-country-code = is not a country code vjt knows
cell-not-a-year = is not a year
cell-citizenship-empty = is empty: the citizenship is not given

## What was noticed about an imported file as a whole.
observed-unodc-withheld = { $count } { $count ->
        [one] count was
       *[other] counts were
    } withheld by UNODC as '<5' and { $count ->
        [one] is
       *[other] are
    } kept as 'fewer than 5'
observed-unodc-questionnaire = { $count } { $count ->
        [one] row carried
       *[other] rows carried
    } questionnaire cell ids (like Q6.1_10s_2019) instead of a citizenship and { $count ->
        [one] was
       *[other] were
    } skipped
observed-unodc-damaged = { $count } citizenship { $count ->
        [one] value contains
       *[other] values contain
    } damaged characters (�) and may stay unresolved
observed-platform-rejected = { $count } { $count ->
        [one] submission was
       *[other] submissions were
    } rejected on KoBoToolbox or ODK Central and left out
observed-transit-missing = This export has no transit points: KoBoToolbox's CSV exports leave out repeat groups, and ODK Central puts them in a file of their own. Export as XLSX from KoBoToolbox, or give ODK Central's whole .zip (or the transit CSV beside the main one), to bring them in
observed-transit-split = { $count } transit { $count ->
        [one] entry named
       *[other] entries named
    } several places and { $count ->
        [one] was
       *[other] were
    } made into one stop per place
observed-unodc-zero = { $count } { $count ->
        [one] row reported
       *[other] rows reported
    } 0 detected victims and { $count ->
        [one] makes
       *[other] make
    } no route

## Filters of an analysis, a dashboard or a report.
filter-no-such-round = no collection round is named '{ $name }'
filter-period-backwards = the period ends ({ $to }) before it starts ({ $from }); choose a last month after the first

## Files that cannot be imported.
import-missing-columns = { $file }: missing column(s): { $missing }; the header has: { $found }
import-file-problem = { $file }: { $reason }
import-needs-org-round = { $what } data names no reporting organisation or round: choose them for the whole file (--org and --round on the command line)
import-reader-failed = the reading thread failed
import-loose-repeat = is a repeat-group table (it has _parent_index or PARENT_KEY) but no KoBo/ODK main table was given with it
import-database = the database failed: { $reason }
import-rejects-unwritable = cannot write the rejects file { $file }: { $reason }
source-unreadable = cannot read { $file }: { $reason }
source-empty = { $file }: the file is empty
source-unsupported-type = { $file }: '{ $ext }' files are not supported; use .csv, .xlsx or .xls
source-no-such-sheet = { $file }: no sheet named '{ $sheet }' (sheets: { $available })
source-bad-row = { $file }, row { $row }: { $reason }
source-limit-columns = { $file }, row { $row }: more than { $limit } columns; a route spreadsheet has a few dozen. Remove the extra columns and try again
source-limit-cell = { $file }, row { $row }: a cell holds more than { $limit } characters (the most a spreadsheet cell can hold); shorten it and try again
source-limit-cells = { $file }: more than { $limit } filled cells in the sheet; split the file and import the parts one by one
source-limit-parts = { $file }: the workbook holds more than { $limit } parts; save it again from your spreadsheet program
source-limit-unpacked = { $file }: the workbook unpacks to more than { $limit } MiB, far more than a route spreadsheet; save it again from your spreadsheet program, or as CSV

## Passwords.
password-too-short = the password is too short: use at least { $min } characters
password-too-simple = the password is one character repeated or blank; choose a phrase that is hard to guess
password-is-email = the password is the e-mail address; choose something else
password-common = the password is one of the commonest leaked passwords; choose a phrase of your own
