-- A space's locale (issue 14, fault 8): how its people write dates and numbers. A BCP 47 tag
-- (en-GB, de-DE) from which the order of a typed 10/07/2026, the first day of the date
-- picker's week and the look of numbers follow; week_start overrides the locale's first day
-- (0 Sunday .. 6 Saturday) when set. Existing spaces keep en-US: their dates were always read
-- month first, and nobody's stored values change meaning. Owners change both through the
-- existing spaces_update policy (0001); the app checks the tag against Intl before writing.

alter table spaces
  add column locale text not null default 'en-US'
    check (locale ~ '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$' and char_length(locale) <= 35),
  add column week_start smallint check (week_start between 0 and 6);
