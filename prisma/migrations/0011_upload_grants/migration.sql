-- Single-use upload links (issue 12, fault 9). An upload link is signed by the app and carries
-- a random grant id; the first upload through it claims the grant here, so the same link can
-- never overwrite the file again. The table is written and read only through the two definer
-- functions below: the PUT that claims a grant has no signed-in identity (the signed link is
-- its whole authority, as an S3 signature is), and no role needs to list grants.

create table upload_grants (
  id          uuid primary key,
  -- When the link itself expires: after that the signature refuses it, so the row can go.
  expires_at  timestamptz not null,
  used_at     timestamptz not null default now()
);
create index upload_grants_expires_idx on upload_grants (expires_at);

alter table upload_grants enable row level security;
alter table upload_grants force row level security;

-- Claims a grant for one upload: true the first time, false ever after (until the link has
-- long expired and its row is swept). Sweeps a few expired rows on the way, so the table stays
-- as small as the links alive in the last day.
create function app_claim_upload_grant(p_grant uuid, p_expires_at timestamptz) returns boolean
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  v_claimed uuid;
begin
  delete from upload_grants
   where id in (select id from upload_grants where expires_at < now() - interval '1 day' limit 100);
  insert into upload_grants (id, expires_at) values (p_grant, p_expires_at)
  on conflict (id) do nothing
  returning id into v_claimed;
  return v_claimed is not null;
end
$$;
revoke all on function app_claim_upload_grant(uuid, timestamptz) from public;
grant execute on function app_claim_upload_grant(uuid, timestamptz) to roster_runtime;

-- Gives a claim back when its upload failed (too large, cut off), so the browser can retry
-- with the same link. Only an upload that stored its file keeps the grant used.
create function app_release_upload_grant(p_grant uuid) returns void
language sql volatile security definer set search_path = public, pg_temp as $$
  delete from upload_grants where id = p_grant
$$;
revoke all on function app_release_upload_grant(uuid) from public;
grant execute on function app_release_upload_grant(uuid) to roster_runtime;
