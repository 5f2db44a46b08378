"""The Cadrage step: territory, communes, QPV, partners, team, calendar and scope."""
