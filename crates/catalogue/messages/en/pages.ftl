## The web pages.

layout-skip = Skip to the content
layout-nav = Main
layout-sign-out = Sign out
layout-footer = vjt, the open Victim Journey Tracker: routes, never people.

nav-dashboard = Dashboard
nav-reports = Reports
nav-new-route = New route
nav-review = Review queue
nav-import = Import
nav-admin = Administration

signin-title = Sign in
signin-tagline = Victim Journey Tracker: the routes your network has met, shared safely.
signin-email = E-mail
signin-password = Password
signin-button = Sign in
signin-wrong = The e-mail or password is wrong.
signin-locked = Too many failed attempts from here. Wait { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
} and try again, or ask your administrator to unlock your account.
signin-signed-out = You have signed out. Drafts kept on this device were removed.

error-not-found = Page not found
error-not-found-text = There is no such page, or it is not one you may see.
error-refused = Not allowed
error-refused-text = This request was refused.
error-busy = Busy
error-busy-text = The server is busy with other work (a large import?). Try again in a moment.
error-server = Something went wrong
error-server-text = The server could not finish this request. It has been logged; if it happens again, give the network coordinator the code below.
error-too-large = Too large
error-too-large-text = What was sent is larger than the server accepts.
error-bad-request = Cannot do that
error-bad-request-text = The request could not be understood.
error-request-id = Request code:
error-home = Back to the start
error-csrf = The form has expired or did not come from this site. Reload the page and try again.
error-cross-site = A request from another site was refused.

place-kind-world_region = world region
place-kind-country = country
place-kind-province = region
place-kind-county = county
place-kind-sub_county = sub-county
place-kind-town = town
place-kind-neighbourhood = neighbourhood
place-kind-city = city
place-kind-border_crossing = border crossing
place-kind-seaport = seaport
place-kind-airport = airport

dash-title = Dashboard
dash-filters = Filters
dash-round = Round
dash-all = all
dash-from = From
dash-to = To
dash-exploitation = Form of exploitation
dash-show = Show
dash-showing = Showing:
dash-filter-all-rounds = all rounds
dash-filter-round = round { $round }
dash-filter-period = seen between { $from } and { $to }
dash-download = Download:
dash-report-html = full report (HTML)
dash-report-pdf = full report (PDF)
dash-figures-json = figures (JSON)
dash-reports-csv = reports (CSV)
dash-generated = Figures from { $reports } route { $reports ->
        [one] report
       *[other] reports
    }.
dash-figure-reports = route reports
dash-figure-routes = distinct routes
dash-figure-organisations = organisations reporting
dash-figure-victims = people on these routes (estimated)
dash-map-caption = Counties shaded by their risk index; counties with no reports are left blank. Every county is listed in the table below.
dash-counties = Counties
dash-counties-caption = All 47 counties, highest risk first; open a county for its routes and places.
dash-destination = destination or exploitation
dash-no-reports = no reports
dash-corridors = Main corridors
dash-no-corridors = No corridor has been reported yet.
dash-from-place = From
dash-to-place = To

county-title = { $name } county
county-standing = Risk index { $score } of 100 ({ $band }): { $rank } of the { $of } counties with reports. Region: { $region }.
county-no-activity = No route in what you may see touches this county. Region: { $region }.
county-by-role = Reports by role
county-as = As
county-as-origin = Origin
county-as-transit = Transit
county-as-destination = Intended destination
county-as-exploitation = Place of exploitation
county-parts = What the risk index is made of
county-part = Part
county-points = Points
county-part-origin = Reported as an origin
county-part-transit = Reported as a transit point
county-part-destination = Reported as a destination or place of exploitation
county-part-victims = Estimated people
county-part-organisations = Organisations reporting it
county-part-corroborated = Routes reported by several organisations
county-from-here = Routes from here
county-to-here = Routes ending here
county-places = Places in the county

form-new-title = New route
form-names-checked = I have checked: the words flagged in the notes are not names of people.
form-edit-title = Route #{ $id }
form-group-route = The route
form-group-what = What happened
form-group-people = The people on this route (numbers only)
form-group-when = When
form-group-knowledge = How you know
form-required-note = marks what every route needs.
form-problems = { $n ->
        [one] 1 thing needs fixing before the route can be saved
       *[other] { $n } things need fixing before the route can be saved
    }
form-draft-restored = A draft kept on this device was restored.
form-draft-discard = Discard it
form-check = Check places
form-save = Save route
form-county = { $name } county
form-place-unknown = → not recognised yet: it will be saved as written and the coordinator will decide it
form-place-check = → read as { $place }: is that what you meant? If not, write the town or country as it is spelt on a map

reports-title = Reports
reports-count = { $n ->
        [one] 1 report.
       *[other] { $n } reports.
    }
reports-none = No reports yet.
reports-route = Route
reports-reference = Reference
reports-status = Status
reports-changed = Last changed
reports-newest = Newest
reports-older = Older reports
reports-search = Find (place, reference or number)
reports-find = Find
reports-clear = Show all
reports-any-status = Any status
reports-matching = { $n ->
        [one] 1 report matches.
       *[other] { $n } reports match.
    }
reports-none-matching = No report matches. Try part of a place name, as it was written.

report-updated = Changes saved.
report-saved = Route saved.
report-screened = Phone numbers, e-mail addresses or ID numbers were removed from what you typed: vjt keeps no personal data.
report-added = added
report-changed = last changed
report-history = History
report-when = When
report-what = What
report-by = By
report-no-history = No changes recorded.
report-edit = Edit
history-created = created
history-updated = updated
history-status = review: { $status }

review-title = Review queue
review-reports = Reports to review
review-waiting = { $n ->
        [one] 1 report waits for review.
       *[other] { $n } reports wait for review.
    }
review-showing = Showing { $from }–{ $to } of { $total }, oldest first.
review-next = Next { $n } reports
review-first = Back to the oldest
review-order = Order
review-oldest-first = Oldest first
review-newest-first = Newest first
review-showing-newest = Showing { $from }–{ $to } of { $total }, newest first.
review-first-newest = Back to the newest
review-duplicates-intro = Routes that look alike, reported by different organisations. Compare them column by column: the same route counted twice inflates the figures; different routes are kept apart.
review-cluster = Likely duplicate { $n }
review-reported-by = Reported by
review-kinds = Exploitation
review-filter = Show
review-organisation = Organisation
review-round = Round
review-any-organisation = Every organisation
review-any-round = Every round
review-any-status = Waiting (submitted or needing review)
review-reason = Reason for rejecting (the reporter reads it)
review-reason-needed = Say why the report is rejected: the reporter reads the reason and can fix the report.
review-details = { $org }, { $round }; { $people }
review-people = { $n } people
review-unknown-count = people not estimated
review-done-verified = Report #{ $id } was verified.
review-done-rejected = Report #{ $id } was rejected; its reporter sees your reason.
history-status-reason = review: { $status }. Reason: { $reason }
review-nothing = Nothing to review: every report has been verified or rejected.
review-decision = Decision
review-verify = Verify
review-reject = Reject
review-places = Unresolved places
review-places-count = { $n ->
        [one] 1 place name is not matched yet.
       *[other] { $n } place names are not matched yet.
    }
review-places-none = Every place name has been matched.
review-place-as-written = As written
review-means = Means
review-decide = Decide
review-no-guess = no guess
review-search = or type the place
review-remove = Not a place: remove it (personal data)
review-search-not-found = No place matches '{ $search }' well enough. Nearest: { $nearest }. Type one of these, the county, or the country.
review-duplicates = Likely duplicates
review-duplicates-none = No routes reported by more than one organisation wait for a decision.
review-duplicate-reports = Reports
review-and-more = and { $n } more
review-same = Same route
review-different = Different routes
review-bad-decision = That decision is not one of the choices on the page.
review-no-such-place = '{ $place }' is not a place vjt knows.

import-title = Import
import-checked-title = Import: checked
import-done-title = Import: done
import-intro = CSV or Excel files in the import template's layout, KoBoToolbox or ODK Central exports (with their repeat sheets or files, or ODK Central's .zip as downloaded), CTDC or UNODC tables. First you see what would be imported and every problem, cell by cell; nothing is written until you confirm.
import-files = Files
import-organisation = Organisation, for rows without one
import-round = Round, for rows without one
import-names-checked = I have checked the notes refused for possible names of people: those words are not names.
import-from-file = — from the file —
import-check = Check the files
import-nothing-written = Checked; nothing has been written yet.
import-done = Imported.
import-summary-check = { $read } rows read: { $added } would be added, { $updated } updated, { $unchanged } unchanged, { $rejected } rejected, { $skipped } skipped.
import-summary-done = { $read } rows read: { $added } added, { $updated } updated, { $unchanged } unchanged, { $rejected } rejected, { $skipped } skipped.
import-screened = { $n ->
        [one] 1 row had personal data removed.
       *[other] { $n } rows had personal data removed.
    }
import-problems = Problems, cell by cell
import-row = Row
import-column = Column
import-value = Value
import-problem = Problem
import-more-problems-check = The first problems are shown; importing writes a file with every rejected row.
import-more-problems-done = The first problems are shown; the rejects file has them all.
import-download-rejects = Download the rejected rows (fix them and import that file again)
import-unresolved = Place names not recognised (imported as written, to decide in the review queue):
import-ignored = Columns not used:
import-confirm = { $n ->
        [one] Import 1 row
       *[other] Import { $n } rows
    }
import-again = Start again
import-to-review = Go to the review queue
import-more = Import more
import-no-file = No file was chosen.
import-too-many-files = At most { $max } files can be sent at once.
import-too-large = The files are larger than { $mib } MiB together; split them.
import-upload-broken = The upload did not arrive whole; send the files again.
import-no-such-organisation = no organisation is named '{ $name }'

admin-title = Administration
admin-organisations = Organisations
admin-rounds = Collection rounds
admin-users = Users
admin-name = Name
admin-kind = Kind
admin-country = Country (ISO code)
admin-from = From
admin-to = To
admin-email = E-mail
admin-organisation = Organisation
admin-role = Role
admin-state = State
admin-actions = Actions
admin-active = active
admin-disabled = disabled
admin-enable = Enable
admin-disable = Disable
admin-first-password = First password (10 characters or more)
admin-add-organisation = Add organisation
admin-add-round = Add round
admin-add-user = Add user
admin-done-organisation = The organisation was added.
admin-done-round = The round was added.
admin-done-user = The user was added; give them their password in person or by another channel.
admin-done-disabled = The user was disabled; their sessions and tokens ended.
admin-done-enabled = The user can sign in again.
admin-done-unlocked = The user's failed sign-ins were forgotten; they can sign in from anywhere at once.
admin-unlock = Unlock ({ $failures ->
    [one] one failed sign-in
   *[other] { $failures } failed sign-ins
})
admin-field-problem = { $field }: { $reason }
admin-organisation-exists = an organisation named '{ $name }' already exists
admin-round-exists = a round named '{ $name }' already exists
admin-not-an-email = '{ $email }' is not an e-mail address
admin-cannot-grant = you cannot give the role '{ $role }'
admin-not-your-organisation = you cannot add users to '{ $name }'
admin-user-exists = a user with the e-mail '{ $email }' already exists
form-place-suggest = → not recognised; did you mean: { $names }?

## Releases: what the network shares with government and donors.
nav-releases = Releases
releases-title = Releases
releases-intro = A release is a fixed, signed package of the network's figures, checked so that no survivor and no organisation can be picked out: a report, tables for spreadsheets and HDX (CSV with HXL hashtags), maps (GeoJSON) and files for DHIS2.
releases-none = No release has been published yet.
releases-release = Release
releases-made = Made on
releases-rounds = Rounds
releases-status = Status
releases-current = Current
releases-withdrawn = Withdrawn
releases-new = Publish a release
releases-new-help = The release is made from the data as it is now, for the rounds chosen, and cannot be changed afterwards; a correction is a new release.
releases-threshold = Hide counts below
releases-title-field = Title (optional)
releases-create = Make the release
releases-read-report = Read the report
releases-files = Files
releases-file = File
releases-size = Size
releases-check = Checking a release
releases-check-help = Every file is listed with its SHA-256 checksum in manifest.json, which the network signs. Anyone can check a downloaded release with “vjt release verify FOLDER --key KEY” using the network's public key:
releases-withdraw = Withdraw this release
releases-reason = Why it is withdrawn
releases-reason-needed = Say why the release is withdrawn.
releases-done-created = The release was made.
releases-done-withdrawn = The release was withdrawn. It is kept, marked withdrawn.
releases-bad-threshold = The threshold must be a whole number from 2 to 100, not “{ $value }”.
releases-refused = The release was not made: { $reason }

account-title = Your account
account-password = Change your password
account-password-intro = Your other sessions and tokens end when you change it; this one stays signed in.
account-current = Current password
account-new = New password
account-new-hint = At least 10 characters; a phrase of a few words is easy to remember and hard to guess. Not your e-mail address or a common password.
account-again = The new password again
account-change = Change password
account-changed = Your password was changed. Your other sessions and tokens have ended.
account-differ = The two new passwords differ; type the same one twice.
account-wrong-current = The current password is wrong.
admin-reset = Reset password
admin-reset-title = New password
admin-reset-done = { $email } has a new password: { $password } — give it to them in person or by another channel, once. They have been signed out everywhere and should change it under their account.
admin-back = Back to administration
