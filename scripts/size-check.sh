#!/usr/bin/env bash
# The house size rules, checked: no file under src/ with more than 800 lines before its test
# module (the first `#[cfg(test)]` at the start of a line followed by a `mod` line; a file that
# is a test module itself, `tests.rs` or `*_tests.rs`, is not counted), and no function over
# 150 lines (from its `fn` line to its closing brace; test functions included). A declarative
# table may be longer: put `// size-check: table` on one of the three lines above its `fn`.
# usage: scripts/size-check.sh [FILE_LIMIT [FN_LIMIT]]   (defaults 800 and 150)
# Prints one line per breach and exits 1 when there is any; silent and 0 otherwise.
# Needs only perl (perl-base is part of every Debian system).
set -euo pipefail
cd "$(dirname "$0")/.."
FILE_LIMIT=${1:-800}
FN_LIMIT=${2:-150}
find src -name '*.rs' -print0 | sort -z | perl -CSD -e '
use strict; use warnings;
my ($file_limit, $fn_limit) = @ARGV;
my @files = grep { length } split /\0/, do { local $/; <STDIN> };
my $bad = 0;
for my $path (@files) {
    open(my $fh, "<:encoding(UTF-8)", $path) or die "$path: $!";
    my @lines = <$fh>;
    close $fh;
    my $code = scalar @lines;
    for my $i (0 .. $#lines - 1) {
        if ($lines[$i] =~ /^#\[cfg\(test\)\]/ && $lines[$i + 1] =~ /^(pub(\(\w+\))? )?mod /) {
            $code = $i;
            last;
        }
    }
    if ($code > $file_limit && $path !~ m{(^|/)(\w+_)?tests\.rs$}) {
        print "$path: $code lines before its tests (> $file_limit)\n";
        $bad = 1;
    }
    my $text = join("", @lines);
    my @c = split(//, $text);
    my ($line, $n) = (1, scalar @c);
    my @stack;          # one entry per open brace: [fn name, fn line] or undef
    my $pending;        # a `fn` seen, its body brace not yet: [name, line, bracket depth]
    my $brackets = 0;   # ( and [ depth, for the `;` that ends a bodiless fn
    my $i = 0;
    while ($i < $n) {
        my $ch = $c[$i];
        my $next = $i + 1 < $n ? $c[$i + 1] : "";
        if ($ch eq "\n") { $line++; $i++; next; }
        if ($ch eq "/" && $next eq "/") {
            $i++ while $i < $n && $c[$i] ne "\n";
            next;
        }
        if ($ch eq "/" && $next eq "*") {
            my $depth = 1; $i += 2;
            while ($i < $n && $depth > 0) {
                if ($c[$i] eq "\n") { $line++; }
                elsif ($c[$i] eq "/" && $i + 1 < $n && $c[$i + 1] eq "*") { $depth++; $i++; }
                elsif ($c[$i] eq "*" && $i + 1 < $n && $c[$i + 1] eq "/") { $depth--; $i++; }
                $i++;
            }
            next;
        }
        # raw strings: r"..", r#".."#, br#".."#
        if (($ch eq "r" || ($ch eq "b" && $next eq "r")) && ($i == 0 || $c[$i - 1] !~ /\w/)) {
            my $j = $i + ($ch eq "b" ? 2 : 1);
            my $hashes = 0;
            while ($j < $n && $c[$j] eq "#") { $hashes++; $j++; }
            if ($j < $n && $c[$j] eq "\"") {
                $j++;
                my $close = "\"" . ("#" x $hashes);
                while ($j < $n) {
                    if ($c[$j] eq "\n") { $line++; }
                    if (join("", @c[$j .. ($j + $hashes < $n ? $j + $hashes : $n - 1)]) eq $close) {
                        $j += 1 + $hashes; last;
                    }
                    $j++;
                }
                $i = $j;
                next;
            }
        }
        if ($ch eq "\"") {
            $i++;
            while ($i < $n && $c[$i] ne "\"") {
                if ($c[$i] eq "\\") { $i++; }
                if ($i < $n && $c[$i] eq "\n") { $line++; }
                $i++;
            }
            $i++;
            next;
        }
        if ($ch eq "\x27") {
            # a char literal (x or an escape) or a lifetime / label
            if ($next eq "\\") {
                $i += 2;
                $i++ while $i < $n && $c[$i] ne "\x27";
                $i++;
                next;
            }
            if ($i + 2 < $n && $c[$i + 2] eq "\x27") { $i += 3; next; }
            $i++;
            next;
        }
        if ($ch eq "f" && $next eq "n" && ($i == 0 || $c[$i - 1] !~ /\w/)
            && substr($text, $i) =~ /^fn\s+(\w+)/) {
            my $name = $1;
            my $from = $i - 1;
            my $seen = 0; my $table = 0;
            while ($from >= 0 && $seen < 4) {
                if ($c[$from] eq "\n") { $seen++; }
                $from--;
            }
            my $before = join("", @c[($from + 1) .. ($i - 1)]);
            $table = 1 if $before =~ /size-check: table/;
            $pending = [$name, $line, $brackets, $table];
            $i += 2 + length($name);
            next;
        }
        if ($ch eq "(" || $ch eq "[") { $brackets++; }
        elsif ($ch eq ")" || $ch eq "]") { $brackets--; }
        elsif ($ch eq ";" && $pending && $brackets == $pending->[2]) { $pending = undef; }
        elsif ($ch eq "{") {
            if ($pending && $brackets == $pending->[2]) { push @stack, $pending; $pending = undef; }
            else { push @stack, undef; }
        } elsif ($ch eq "}") {
            my $open = pop @stack;
            if ($open) {
                my $len = $line - $open->[1] + 1;
                if ($len > $fn_limit && !$open->[3]) {
                    print "$path:$open->[1]: fn $open->[0] is $len lines (> $fn_limit)\n";
                    $bad = 1;
                }
            }
        }
        $i++;
    }
}
exit $bad;
' "$FILE_LIMIT" "$FN_LIMIT"
