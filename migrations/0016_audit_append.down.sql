DROP FUNCTION audit_append(bigint, text, text, text[], text[], text[], bigint[], text[], timestamptz);
DROP FUNCTION audit_time_text(timestamptz);
DROP FUNCTION audit_field(text);
