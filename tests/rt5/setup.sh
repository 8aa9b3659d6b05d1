#!/usr/bin/env bash
# Request Tracker 5 for the CRM integration tests: installs Debian's packages when missing
# and adds a site-config file that points RT at a per-run database copy and port when the
# tests set TACTFUL_RT_PORT (RT is untouched otherwise). Needs root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if [ ! -x /usr/share/request-tracker5/libexec/rt-server ]; then
  apt-get update -qq
  apt-get install -y -qq request-tracker5 rt5-db-sqlite rt5-standalone >/dev/null
fi
cat > /etc/request-tracker5/RT_SiteConfig.d/99-tactful-tests.pm <<'PERL'
# Written by Tactful's tests/rt5/setup.sh: each test run points RT at its own copy of
# the database and its own port, so runs start from a known state.
if ($ENV{TACTFUL_RT_PORT}) {
    Set($WebDomain, '127.0.0.1');
    Set($WebPort, $ENV{TACTFUL_RT_PORT});
    Set($WebPath, '');
    Set($WebBaseURL, "http://127.0.0.1:$ENV{TACTFUL_RT_PORT}");
    Set($DatabaseName, $ENV{TACTFUL_RT_DB}) if $ENV{TACTFUL_RT_DB};
    # Tests never send mail: RT writes it to a file instead.
    Set($MailCommand, 'testfile');
}
1;
PERL
echo "Request Tracker 5 ready for tests"
