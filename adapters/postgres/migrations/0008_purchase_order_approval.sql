-- Purchase orders held for approval (docs/domain.md §11): an order whose plan leaves
-- a variant over its tolerance waits, under the hold policy, in `awaiting_approval`
-- until an operator approves it. (Re-runnable, like 0006.)
ALTER TABLE purchase_orders DROP CONSTRAINT IF EXISTS purchase_orders_status_check;
ALTER TABLE purchase_orders ADD CONSTRAINT purchase_orders_status_check
    CHECK (status IN ('awaiting_approval', 'issued', 'received', 'closed', 'cancelled'));
