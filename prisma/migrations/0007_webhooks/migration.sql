-- Webhooks: a space's owners name a URL and the events it wants; each event becomes a delivery,
-- sent by a job with retries, kept in a log the owners can read and replay.
create table webhooks (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces (id) on delete cascade,
  url text not null check (length(url) between 8 and 2048),
  events text[] not null,
  -- The signing secret, sealed (AES-256-GCM) with a key derived from the app's secret: the
  -- database alone cannot sign as the app. Shown to the owner once, at creation.
  secret_sealed text not null,
  is_active boolean not null default true,
  -- Deliveries that failed in a row (after their retries); past a limit the hook is switched off.
  consecutive_failures integer not null default 0,
  disabled_reason text,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index webhooks_space_idx on webhooks (space_id);

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  webhook_id uuid not null references webhooks (id) on delete cascade,
  space_id uuid not null,
  event text not null,
  payload jsonb not null,
  state text not null default 'pending' check (state in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  response_status integer,
  error text,
  created_at timestamptz not null default now(),
  last_attempt_at timestamptz
);
create index webhook_deliveries_hook_idx on webhook_deliveries (webhook_id, created_at desc);

alter table webhooks enable row level security;
alter table webhooks force row level security;
alter table webhook_deliveries enable row level security;
alter table webhook_deliveries force row level security;

-- Owners only: a webhook sends the space's data to a URL outside it.
create policy webhooks_owner on webhooks for all
  using (space_id = any ((select app_owner_space_ids())::uuid[]))
  with check (space_id = any ((select app_owner_space_ids())::uuid[]));
create policy webhook_deliveries_owner on webhook_deliveries for all
  using (space_id = any ((select app_owner_space_ids())::uuid[]))
  with check (space_id = any ((select app_owner_space_ids())::uuid[]));
grant select, insert, update, delete on webhooks to roster_runtime;
grant select, insert, update on webhook_deliveries to roster_runtime;

-- The dispatcher runs after a change commits, for whoever made it (an editor, an API token, an
-- import job): it may not read the owners' webhooks itself. These functions do exactly its two
-- jobs, for one space at a time, and nothing else.

-- Records one delivery per active webhook of the space that wants the event; returns their ids.
create function app_enqueue_webhook_deliveries(p_space uuid, p_event text, p_payloads jsonb[])
returns table (delivery_id uuid)
language sql volatile security definer set search_path = public, pg_temp as $$
  insert into webhook_deliveries (webhook_id, space_id, event, payload)
  select w.id, w.space_id, p_event, p.payload
    from webhooks w cross join unnest(p_payloads) as p (payload)
   where w.space_id = p_space and w.is_active and p_event = any (w.events)
  returning id
$$;
revoke all on function app_enqueue_webhook_deliveries(uuid, text, jsonb[]) from public;
grant execute on function app_enqueue_webhook_deliveries(uuid, text, jsonb[]) to roster_runtime;

-- What the delivery job needs to send one delivery: where, what, and the sealed secret.
create function app_webhook_delivery(p_delivery uuid)
returns table (id uuid, space_id uuid, webhook_id uuid, url text, secret_sealed text, is_active boolean,
               event text, payload jsonb, state text, attempts integer, created_at timestamptz)
language sql stable security definer set search_path = public, pg_temp as $$
  select d.id, d.space_id, w.id, w.url, w.secret_sealed, w.is_active, d.event, d.payload, d.state, d.attempts, d.created_at
    from webhook_deliveries d join webhooks w on w.id = d.webhook_id
   where d.id = p_delivery
$$;
revoke all on function app_webhook_delivery(uuid) from public;
grant execute on function app_webhook_delivery(uuid) to roster_runtime;

-- One attempt's outcome. A final failure counts against the hook; past p_limit failures in a
-- row the hook is switched off with the reason. Returns whether it was switched off just now.
create function app_record_webhook_attempt(
  p_delivery uuid, p_is_delivered boolean, p_is_final boolean, p_status integer, p_error text, p_limit integer
) returns boolean
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  v_hook uuid;
  v_failures integer;
begin
  update webhook_deliveries
     set attempts = attempts + 1, last_attempt_at = now(), response_status = p_status, error = p_error,
         state = case when p_is_delivered then 'delivered' when p_is_final then 'failed' else 'pending' end
   where id = p_delivery
   returning webhook_id into v_hook;
  if v_hook is null then return false; end if;
  if p_is_delivered then
    update webhooks set consecutive_failures = 0 where id = v_hook;
    return false;
  end if;
  if not p_is_final then return false; end if;
  update webhooks set consecutive_failures = consecutive_failures + 1 where id = v_hook
   returning consecutive_failures into v_failures;
  if v_failures >= p_limit then
    update webhooks set is_active = false,
           disabled_reason = format('Switched off after %s deliveries in a row failed; the last: %s', v_failures, coalesce(p_error, 'HTTP ' || p_status))
     where id = v_hook and is_active;
    return found;
  end if;
  return false;
end
$$;
revoke all on function app_record_webhook_attempt(uuid, boolean, boolean, integer, text, integer) from public;
grant execute on function app_record_webhook_attempt(uuid, boolean, boolean, integer, text, integer) to roster_runtime;

-- Whether a space has any webhook at all: lets the dispatcher stay quiet for spaces without.
create function app_space_has_webhooks(p_space uuid) returns boolean
language sql stable security definer set search_path = public, pg_temp as $$
  select exists (select 1 from webhooks where space_id = p_space)
$$;
revoke all on function app_space_has_webhooks(uuid) from public;
grant execute on function app_space_has_webhooks(uuid) to roster_runtime;
