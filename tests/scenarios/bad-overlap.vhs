# expect: adu 'gp': address: memory 0x82800000..0x83800000 overlaps adu 'ctl' at 0x82000000..0x83000000
[machine]
cpus = 2

[adu ctl]
memory = 16M
address = 0x82000000
image = guest

[adu gp]
memory = 16M
address = 0x82800000
image = guest
