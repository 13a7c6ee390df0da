# expect: adu 'ctl': name: duplicate ADU name (first declared on line 2)
[adu ctl]
memory = 8M
image = guest

[adu ctl]
memory = 8M
image = guest
