ALTER TABLE candidate_imports
    ADD COLUMN ready    jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN rejected jsonb NOT NULL DEFAULT '[]';

UPDATE candidate_imports i SET
    ready = coalesce((SELECT jsonb_agg(jsonb_build_object('line', r.line, 'candidate', jsonb_build_object(
        'FullName', r.full_name, 'FatherName', r.father_name, 'NationalID', r.national_id, 'Gender', r.gender,
        'BirthDate', to_char(r.birth_date, 'YYYY-MM-DD') || 'T00:00:00Z', 'Education', r.education,
        'Occupation', r.occupation, 'Phone', r.phone, 'TrackingID', r.tracking_id, 'Veteran', r.veteran,
        'MilitaryService', r.military_service, 'ListedPost', r.listed_post,
        'CertificateDate', to_char(r.certificate_date, 'YYYY-MM-DD') || 'T00:00:00Z',
        'ResignationDate', to_char(r.resignation_date, 'YYYY-MM-DD') || 'T00:00:00Z',
        'Constituency', jsonb_build_object('Code', coalesce(d.code, c.code), 'NameFa', coalesce(d.name_fa, c.name_fa),
            'NameEn', coalesce(d.name_en, c.name_en), 'ProvinceID', r.province_id, 'CountyID', r.county_id,
            'DistrictID', coalesce(r.district_id, 0)))) ORDER BY r.line)
        FROM candidate_import_rows r JOIN counties c ON c.id = r.county_id LEFT JOIN districts d ON d.id = r.district_id
        WHERE r.import_id = i.id), '[]'),
    rejected = coalesce((SELECT jsonb_agg(jsonb_build_object('line', j.line, 'values', j.cells, 'problems', j.problems) ORDER BY j.line)
        FROM candidate_import_rejects j WHERE j.import_id = i.id), '[]');

ALTER TABLE candidate_imports ALTER COLUMN ready DROP DEFAULT, ALTER COLUMN rejected DROP DEFAULT;
DROP TABLE candidate_import_rejects, candidate_import_rows;
ALTER TABLE candidate_imports DROP COLUMN ready_count, DROP COLUMN rejected_count;
