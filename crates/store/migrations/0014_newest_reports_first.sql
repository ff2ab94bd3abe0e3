-- An organisation's reports newest first (every reporter's list page, and the API's pages)
-- read straight from this index: without it both engines sorted all of the organisation's
-- reports for each page (30 ms at 16,000 reports, most of a page's time under load).
CREATE INDEX reports_organisation_newest ON reports (organisation_id, id);
