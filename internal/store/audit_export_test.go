package store

// AuditDetailsKept is how many details the audit rows' cache holds, and their bytes of JSON.
func (s *Store) AuditDetailsKept() (entries, size int) {
	s.auditDetails.mu.Lock()
	defer s.auditDetails.mu.Unlock()
	return len(s.auditDetails.byID), s.auditDetails.size
}

// ReadAuditDetail reads row id's detail through the audit rows' cache.
func (s *Store) ReadAuditDetail(id int64, detail []byte) *AuditDetail {
	return s.auditDetails.read(id, detail)
}

// The bounds of the audit rows' cache.
const (
	MaxAuditDetails     = maxAuditDetails
	MaxAuditDetailsSize = maxAuditDetailsSize
	MaxAuditDetailBytes = maxAuditDetailBytes
)
