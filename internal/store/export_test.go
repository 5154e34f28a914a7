package store

// AuditQuery lets the tests explain the audit list's query.
var AuditQuery = auditQuery
