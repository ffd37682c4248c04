-- Numbers issued before offices keep counting on: their sequences move to order_sequences as office ''.
INSERT INTO order_sequences (office_code, kind, year, last_seq)
SELECT '', kind, year, last_seq FROM order_counters WHERE true
ON CONFLICT(office_code, kind, year) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq);
