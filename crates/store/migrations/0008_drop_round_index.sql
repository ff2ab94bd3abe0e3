-- Reports are read by round through full scans or id-ordered pages, never by this index, which
-- cost an extra B-tree insert per imported report.
DROP INDEX reports_round;
