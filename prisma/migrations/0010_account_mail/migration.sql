-- Account mail: verified email addresses, and the one-time links (verify an address, reset a
-- password) that prove someone reads the mail of an address.
--
-- A link's secret is mailed and never stored: only its SHA-256 is, as for invitations and API
-- tokens. The table has no policy at all, so the runtime role reaches it only through the
-- definer functions below, each doing one narrow thing.

alter table users add column email_verified_at timestamptz;

-- Accounts from before this migration: those without a password came from an OAuth provider,
-- and sign-in only accepts an address the provider verified, so they count as verified.
-- Password accounts never proved their address: they stay unverified and are asked once, by the
-- banner, to confirm it.
update users set email_verified_at = created_at where password_hash is null;

create table account_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  purpose text not null check (purpose in ('verify', 'reset')),
  -- The address the link was mailed to: a link proves that address, not whatever the account's
  -- address is when it is opened.
  email text not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index account_tokens_user_idx on account_tokens (user_id, purpose);

alter table account_tokens enable row level security;
alter table account_tokens force row level security;

-- Issues a link for the account of an email: the user it is for, or no row when no account has
-- that email (the caller then mails nothing, and answers the same).
create function app_issue_account_token(p_email text, p_purpose text, p_token_hash text, p_ttl interval)
returns table (user_id uuid, name text, email text)
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  v_user users%rowtype;
begin
  select * into v_user from users u where lower(u.email) = lower(p_email);
  if not found then
    return;
  end if;
  insert into account_tokens (user_id, purpose, email, token_hash, expires_at)
  values (v_user.id, p_purpose, v_user.email, p_token_hash, now() + p_ttl);
  return query select v_user.id, v_user.name, v_user.email;
end $$;
revoke all on function app_issue_account_token(text, text, text, interval) from public;
grant execute on function app_issue_account_token(text, text, text, interval) to roster_runtime;

-- Where a link stands without using it: 'valid', 'used', 'expired', or no row when unknown.
-- Lets the reset page say "expired" before someone types a new password.
create function app_account_token_state(p_token_hash text, p_purpose text) returns text
language sql stable security definer set search_path = public, pg_temp as $$
  select case when t.used_at is not null then 'used' when t.expires_at <= now() then 'expired' else 'valid' end
    from account_tokens t where t.token_hash = p_token_hash and t.purpose = p_purpose
$$;
revoke all on function app_account_token_state(text, text) from public;
grant execute on function app_account_token_state(text, text) to roster_runtime;

-- Opens a verification link: the address it was mailed to is verified, once. Returns the user
-- and the outcome ('verified', 'used', 'expired'), or no row for an unknown link.
create function app_verify_email(p_token_hash text) returns table (user_id uuid, outcome text)
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  v_token account_tokens%rowtype;
begin
  select * into v_token from account_tokens t
   where t.token_hash = p_token_hash and t.purpose = 'verify' for update;
  if not found then
    return;
  end if;
  if v_token.used_at is not null then
    return query select v_token.user_id, 'used'::text;
    return;
  end if;
  if v_token.expires_at <= now() then
    return query select v_token.user_id, 'expired'::text;
    return;
  end if;
  update account_tokens set used_at = now()
   where account_tokens.user_id = v_token.user_id and purpose = 'verify' and used_at is null;
  update users set email_verified_at = coalesce(email_verified_at, now())
   where id = v_token.user_id and lower(users.email) = lower(v_token.email);
  return query select v_token.user_id, 'verified'::text;
end $$;
revoke all on function app_verify_email(text) from public;
grant execute on function app_verify_email(text) to roster_runtime;

-- Sets a new password with a reset link, the link being the only proof needed (no identity is
-- set). Every open reset link of the account stops working, and the address counts as verified:
-- the link arrived there. Returns the user and the outcome ('reset', 'used', 'expired'), or no
-- row for an unknown link.
create function app_reset_password(p_token_hash text, p_password_hash text)
returns table (user_id uuid, outcome text)
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  v_token account_tokens%rowtype;
begin
  select * into v_token from account_tokens t
   where t.token_hash = p_token_hash and t.purpose = 'reset' for update;
  if not found then
    return;
  end if;
  if v_token.used_at is not null then
    return query select v_token.user_id, 'used'::text;
    return;
  end if;
  if v_token.expires_at <= now() then
    return query select v_token.user_id, 'expired'::text;
    return;
  end if;
  update account_tokens set used_at = now()
   where account_tokens.user_id = v_token.user_id and purpose = 'reset' and used_at is null;
  update users set password_hash = p_password_hash,
         email_verified_at = case when lower(users.email) = lower(v_token.email)
                                  then coalesce(email_verified_at, now()) else email_verified_at end
   where id = v_token.user_id;
  return query select v_token.user_id, 'reset'::text;
end $$;
revoke all on function app_reset_password(text, text) from public;
grant execute on function app_reset_password(text, text) to roster_runtime;

-- An OAuth provider vouched for the account's address (the caller checked its claim). A password
-- set on an account whose address was never verified is dropped: someone who registered the
-- address before its owner could otherwise sign in to the account its owner now uses. The owner
-- keeps signing in with the provider, or resets the password by mail.
create function app_confirm_provider_email(p_user uuid) returns void
language sql volatile security definer set search_path = public, pg_temp as $$
  update users set password_hash = case when email_verified_at is null then null else password_hash end,
                   email_verified_at = coalesce(email_verified_at, now())
   where id = p_user
$$;
revoke all on function app_confirm_provider_email(uuid) from public;
grant execute on function app_confirm_provider_email(uuid) to roster_runtime;

-- The signed-in user's own row shows whether its address is verified (the banner asks).
grant select (email_verified_at) on users to roster_runtime;
