# expect: adu 'ctl': vcpus: duplicate key (first set on line 5)
[adu ctl]
memory = 8M
image = guest
vcpus = 2
vcpus = 3
