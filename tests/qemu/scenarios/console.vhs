# Integration test: console input reaches the focused ADU (text mode) and
# its echo comes back; Ctrl-A three times moves the focus to the next ADU.
[machine]
cpus = 2
[adu first]
memory = 8M
image = bareos
bootargs = app=echo
[adu second]
memory = 8M
image = bareos
bootargs = app=echo
