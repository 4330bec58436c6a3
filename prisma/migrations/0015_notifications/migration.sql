-- The inbox: notifications for one person (mentioned in a comment, assigned through a user
-- field, a change or comment on a record they follow), and who follows which record.

create table record_follows (
  space_id uuid not null,
  entity_id uuid not null,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (entity_id, user_id),
  foreign key (entity_id, space_id) references entities (id, space_id) on delete cascade
);
create index record_follows_user_idx on record_follows (user_id, space_id);

create table notifications (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null,
  -- Who the notification is for.
  user_id uuid not null references users (id) on delete cascade,
  kind text not null check (kind in ('mention', 'assigned', 'comment', 'change')),
  entity_id uuid not null,
  entity_type_id uuid not null,
  -- Who caused it.
  actor_id uuid references users (id) on delete set null,
  comment_id uuid references comments (id) on delete cascade,
  -- A short line: the start of the comment, the field assigned, or the fields changed.
  summary text not null default '' check (length(summary) <= 300),
  created_at timestamptz not null default now(),
  read_at timestamptz,
  foreign key (entity_id, space_id) references entities (id, space_id) on delete cascade
);
create index notifications_user_idx on notifications (user_id, created_at desc);
create index notifications_unread_idx on notifications (user_id) where read_at is null;
-- Changes by one person to a followed record gather in one unread notification (typing in a
-- long text is many edits), instead of one per edit.
create unique index notifications_change_once_idx on notifications (user_id, entity_id, actor_id)
  where kind = 'change' and read_at is null;

alter table record_follows enable row level security;
alter table record_follows force row level security;
-- Whoever reads a record may see who follows it (a comment's author notifies them); each
-- person follows and unfollows only as themselves.
create policy record_follows_select on record_follows for select
  using (space_id = any ((select app_read_space_ids())::uuid[]));
create policy record_follows_insert on record_follows for insert with check (
  space_id = any ((select app_read_space_ids())::uuid[]) and user_id = (select app_user_id())
);
create policy record_follows_delete on record_follows for delete
  using (user_id = (select app_user_id()));

alter table notifications enable row level security;
alter table notifications force row level security;
-- A notification is its recipient's alone: nobody else reads, marks or deletes it, owners
-- included. It is written by whoever causes it, as themselves, in a space they read.
create policy notifications_select on notifications for select using (
  user_id = (select app_user_id()) and space_id = any ((select app_read_space_ids())::uuid[])
);
create policy notifications_insert on notifications for insert with check (
  actor_id = (select app_user_id()) and space_id = any ((select app_read_space_ids())::uuid[])
);
create policy notifications_update on notifications for update
  using (user_id = (select app_user_id()))
  with check (user_id = (select app_user_id()));
create policy notifications_delete on notifications for delete
  using (user_id = (select app_user_id()));

grant select, insert, delete on record_follows to roster_runtime;
grant select, insert, delete on notifications to roster_runtime;
grant update (read_at) on notifications to roster_runtime;

-- Record changes notify the people they concern, in the transaction that makes them. Every
-- write path (the grid's group commit, which is one SQL statement per batch, as much as REST,
-- imports and the desk) writes its changes to audit_log, so a trigger there is the one place
-- that sees them all. Per statement, over the inserted rows at once:
--   * a user field set to someone: "assigned" for them;
--   * any change to a record: "change" for its followers, gathered per record and author.
-- Security definer: it must see the followers' unread notifications to gather into them, which
-- the author's policies hide. It acts only for the author of the inserted rows (the session's
-- user) and only for members who may read the space.
create function app_notify_record_changes() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_actor uuid := app_user_id();
  v_count integer;
begin
  if v_actor is null then
    return null;
  end if;
  with assigned as (
    select distinct on (v.entity_id, v.user_id) v.*
      from (
        -- A field set on an existing record ...
        select i.space_id, i.entity_type_id, i.entity_id, i.new_value #>> '{}' as user_id, a.name
          from inserted i
          join attributes a on a.id = i.attribute_id and a.kind = 'user'
         where i.action = 'update' and jsonb_typeof(i.new_value) = 'string'
           and i.new_value is distinct from i.old_value and i.actor_id = v_actor
        union all
        -- ... or given when the record is made (one row holds all its values).
        select i.space_id, i.entity_type_id, i.entity_id, i.new_value ->> a.key, a.name
          from inserted i
          join attributes a on a.entity_type_id = i.entity_type_id and a.kind = 'user'
         where i.action = 'create' and i.attribute_id is null
           and jsonb_typeof(i.new_value -> a.key) = 'string' and i.actor_id = v_actor
      ) v
     where v.entity_id is not null
  ), assigned_rows as (
    insert into notifications (space_id, user_id, kind, entity_id, entity_type_id, actor_id, summary)
    select s.space_id, s.user_id::uuid, 'assigned', s.entity_id, s.entity_type_id, v_actor, left(s.name, 300)
      from assigned s
      join memberships m on m.space_id = s.space_id and m.user_id::text = s.user_id and m.role <> 'checkin'
     where s.user_id <> v_actor::text
    returning user_id
  ), changed as (
    select i.space_id, i.entity_type_id, i.entity_id,
           left(string_agg(distinct coalesce(a.name, i.attribute_key), ', '), 300) as summary
      from inserted i
      left join attributes a on a.id = i.attribute_id
     where i.actor_id = v_actor and i.action = 'update' and i.entity_id is not null
       and i.entity_type_id is not null
     group by i.space_id, i.entity_type_id, i.entity_id
  ), change_rows as (
    insert into notifications (space_id, user_id, kind, entity_id, entity_type_id, actor_id, summary)
    select c.space_id, f.user_id, 'change', c.entity_id, c.entity_type_id, v_actor, coalesce(c.summary, '')
      from changed c
      join record_follows f on f.entity_id = c.entity_id
      join memberships m on m.space_id = c.space_id and m.user_id = f.user_id and m.role <> 'checkin'
     where f.user_id <> v_actor
    on conflict (user_id, entity_id, actor_id) where kind = 'change' and read_at is null
    do update set created_at = now(),
      summary = case
        when position(excluded.summary in notifications.summary) > 0 then notifications.summary
        else left(notifications.summary || ', ' || excluded.summary, 300)
      end
    returning user_id
  )
  -- The inbox signal (src/lib/server/signals.ts) goes out when this transaction commits.
  select count(pg_notify('roster_signals', json_build_object('kind', 'inbox', 'userId', r.user_id)::text))
    into v_count
    from (select user_id from assigned_rows union select user_id from change_rows) r;
  return null;
end
$$;
revoke all on function app_notify_record_changes() from public;

create trigger audit_log_notify after insert on audit_log
  referencing new table as inserted
  for each statement execute function app_notify_record_changes();
