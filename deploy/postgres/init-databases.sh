#!/bin/sh
# One database per service (DESIGN.md: nobody reads another service's database).
set -eu
for db in accounts customers billing portal reviews notifications documents; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -c "CREATE DATABASE $db"
done
