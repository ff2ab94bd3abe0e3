## The fields of a route report: labels and hints on the form, in the template and in messages.

field-report_id = Your reference for this route
field-organisation = Organisation
field-round = Collection round
field-origin = Origin
field-transit = Transit points
field-intended_destination = Intended destination
field-exploitation_place = Place of exploitation
field-exploitation_types = Forms of exploitation
field-sectors = Sectors
field-transport_modes = Transport
field-recruitment_methods = How people were recruited
field-recruiter_relationship = Who recruited them
field-victims = Estimated number of people
field-female = Female
field-male = Male
field-children = Under 18
field-adults = 18 or older
field-period_start = First month seen
field-period_end = Last month seen
field-source = How you know
field-confidence = How sure you are
field-notes = Notes

hint-report_id = Optional. Give it to update this route later instead of adding a new one.
hint-origin = Required: the town, county or country where the journey started.
hint-transit = One place per line, in the order people passed through.
hint-intended_destination = Where people were told they were going. This or the place of exploitation is required.
hint-exploitation_place = Where the exploitation happened, if known.
hint-victims = How many people you know of on this route, if known.
hint-notes = About the route only: never names, phone numbers or ID numbers.

## What a piece of text is, in messages about it.
what-organisation-name = the organisation name
what-round-name = the round name
what-place = the place
what-report-id = the reference
what-notes = the notes

## The vocabularies, in messages about them.
vocabulary-exploitation-type = form of exploitation
vocabulary-sector = sector
vocabulary-transport-mode = means of transport
vocabulary-recruitment-method = recruitment method
vocabulary-recruiter-relationship = relationship to the recruiter
vocabulary-source-of-knowledge = source of knowledge
vocabulary-confidence-level = confidence level
vocabulary-review-status = review status
vocabulary-organisation-kind = kind of organisation
vocabulary-role = role
vocabulary-stop-role = part of a journey
