:exit(select 100)
