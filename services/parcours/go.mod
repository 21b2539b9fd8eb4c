module github.com/maillage/maillage/services/parcours

go 1.26.0
