DROP TABLE readiness_answers;
DROP TABLE readiness_filings;
DROP TABLE readiness_items;
DROP TABLE readiness_checks;
