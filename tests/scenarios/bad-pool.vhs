# expect: adu 'b': memory: RAM pool 0x81000000..0x9fc00000 exhausted: no free block of 256 MiB (236 MiB free in total
[adu a]
memory = 256M
image = guest

[adu b]
memory = 256M
image = guest
