-- Run ONCE by the Redshift admin user (not by the application), after the first terraform apply: terraform/README.md.
-- The application user never gets CREATE on the database; it owns the analytics schema, so it may create, alter and
-- lock its own tables there (the migrations in ../V*.sql) and nothing else. :app_user is the application's user name
-- (Terraform variable redshift_app_username, default tributary_app); :app_password its password from the app secret.
CREATE USER :app_user PASSWORD ':app_password';
CREATE SCHEMA IF NOT EXISTS analytics AUTHORIZATION :app_user;
