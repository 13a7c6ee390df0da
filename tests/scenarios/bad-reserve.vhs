# expect: adu 'gp': reserve: reservations sum to 95% (ctl 60% + gp 35%), over rt_limit 90%
[adu ctl]
memory = 8M
image = guest
reserve = 60%

[adu gp]
memory = 8M
image = guest
reserve = 35%
