create index audit_log_sign_in on audit_log (subject_id, at) where action = 'sign-in.failed';
