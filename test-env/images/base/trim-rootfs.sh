#!/bin/sh
# Usage: trim-rootfs.sh ROOTFS SUITE
# Makes a debootstrapped minbase rootfs into a small image base: no docs, man pages or locales from later
# installs, no recommended packages, no service starts, no package lists or .debs left behind.
set -eu
R=$1
SUITE=$2
mkdir -p "$R/etc/dpkg/dpkg.cfg.d" "$R/etc/apt/apt.conf.d"
printf 'path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\npath-exclude /usr/share/info/*\npath-exclude /usr/share/locale/*\npath-include /usr/share/locale/locale.alias\n' \
  > "$R/etc/dpkg/dpkg.cfg.d/01-nodoc"
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\nAcquire::Languages "none";\n' > "$R/etc/apt/apt.conf.d/01-slim"
# sid's Release file on the mirror can be past its Valid-Until date; the packages are still what sid holds.
if [ "$SUITE" = sid ]; then
  echo 'Acquire::Check-Valid-Until "false";' > "$R/etc/apt/apt.conf.d/99-sid-no-valid-until"
fi
printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"
chmod 755 "$R/usr/sbin/policy-rc.d"
rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/* "$R"/usr/share/doc/* "$R"/usr/share/man/* "$R"/usr/share/locale/*
