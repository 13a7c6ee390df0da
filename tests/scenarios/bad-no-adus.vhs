# expect: no ADUs; add at least one [adu NAME] section
[machine]
cpus = 2
