-- The tick looks for factory payouts still waiting for the disburser's answer
-- (status 'submitted') on every pass; an index keeps that read flat as paid payouts
-- (one per receipt) accumulate.
CREATE INDEX IF NOT EXISTS factory_payouts_by_status ON factory_payouts (status, id);
