# expect: adu 'a': address: 0xa0000000..0xa0800000 is outside the RAM pool
[adu a]
memory = 8M
address = 0xa0000000
image = guest
