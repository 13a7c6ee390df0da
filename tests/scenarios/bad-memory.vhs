# expect: adu 'ctl': memory: '5M': not a multiple of 2 MiB
[adu ctl]
memory = 5M
image = guest
