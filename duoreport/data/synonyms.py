"""Known names, in Dutch, French and English, that a CRM export may use for the contract's
tables, columns and codes. They are only ever *proposed* (``duoreport validate``, ``duoreport
mapping init``): the loader reads what the mapping declares, never a guess.

Names are compared folded (lower case, no accents, any run of non-letters as one ``_``):
"Date d'intake" and "date_d_intake" are the same name.
"""

from __future__ import annotations

import re

from .programme import fold


def name_key(text) -> str:
    """How a file, sheet or header name is compared: folded, words joined by ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


TABLE_SYNONYMS = {
    "mentees": ["mentees", "mentee", "jongeren", "jongere", "deelnemers", "deelnemer", "jeunes", "jeune",
                "participants", "participant", "youths", "youth", "kandidaten"],
    "mentors": ["mentors", "mentor", "mentoren", "vrijwilligers", "benevoles", "volunteers", "parrains", "meters_peters"],
    "duos": ["duos", "duo", "duo_s", "koppels", "koppel", "binomes", "pairs", "matches", "trajecten"],
    "outcomes": ["outcomes", "outcome", "resultaten", "uitstroom", "opvolging", "resultats", "suivi", "follow_up",
                 "followup"],
    "intake_obstacles": ["intake_obstacles", "obstakels", "drempels", "obstacles", "freins", "obstacles_intake"],
    "expectations": ["expectations", "verwachtingen", "attentes"],
    "housing_problems": ["housing_problems", "huisvesting", "woonproblemen", "logement", "problemes_logement"],
    "alumni_survey": ["alumni_survey", "alumni", "bevraging_alumni", "enquete_alumni"],
    "alumni_obstacles": ["alumni_obstacles", "obstakels_alumni", "obstacles_alumni"],
    "mentor_survey": ["mentor_survey", "bevraging_mentoren", "enquete_mentors"],
    "mentor_survey_problems": ["mentor_survey_problems", "sociale_problemen", "problemes_sociaux"],
    "sib_participants": ["sib_participants", "sib", "sib_deelnemers"],
    "sib_control": ["sib_control", "controlegroep", "groupe_controle", "control_group"],
}

HEADER_SYNONYMS = {
    "mentee_id": ["mentee_id", "id_mentee", "jongere_id", "id_jongere", "deelnemer_id", "id_deelnemer", "id_jeune",
                  "jeune_id", "participant_id", "id_participant", "mentee", "dossiernummer", "dossier"],
    "mentor_id": ["mentor_id", "id_mentor", "mentor", "vrijwilliger_id", "id_benevole"],
    "duo_id": ["duo_id", "id_duo", "duo", "koppel_id", "id_binome"],
    "response_id": ["response_id", "antwoord_id", "id_reponse", "respondent"],
    "antenna": ["antenna", "antenne", "afdeling", "vestiging", "site", "branch", "regio"],
    "intake_date": ["intake_date", "intakedatum", "datum_intake", "datum_intakegesprek", "date_intake",
                    "date_d_intake", "date_accueil", "date_d_accueil", "date_inscription", "inschrijvingsdatum"],
    "gender": ["gender", "geslacht", "gender_identiteit", "sexe", "genre", "sex"],
    "age_at_intake": ["age_at_intake", "leeftijd", "leeftijd_intake", "leeftijd_bij_intake", "age", "age_intake",
                      "age_a_l_intake", "age_accueil"],
    "nationality_status": ["nationality_status", "nationaliteit", "nationaliteitsstatus", "nationalite",
                           "statut_nationalite", "nationality"],
    "born_in_belgium": ["born_in_belgium", "geboren_in_belgie", "in_belgie_geboren", "ne_en_belgique", "ne_e_en_belgique"],
    "origin_country": ["origin_country", "land_van_herkomst", "herkomstland", "herkomst", "pays_d_origine",
                       "pays_origine", "country_of_origin", "origin"],
    "residence_permit": ["residence_permit", "verblijfsvergunning", "verblijfskaart", "titre_de_sejour",
                         "carte_de_sejour", "permit"],
    "years_in_belgium": ["years_in_belgium", "jaren_in_belgie", "verblijfsduur", "annees_en_belgique",
                         "duree_de_sejour"],
    "reason_of_stay": ["reason_of_stay", "verblijfsreden", "reden_van_verblijf", "motif_de_sejour", "raison_du_sejour"],
    "civil_status": ["civil_status", "burgerlijke_staat", "etat_civil", "marital_status"],
    "has_children": ["has_children", "kinderen", "heeft_kinderen", "enfants", "a_des_enfants", "children"],
    "single_parent": ["single_parent", "alleenstaande_ouder", "parent_isole", "famille_monoparentale"],
    "education_level": ["education_level", "opleidingsniveau", "diploma", "hoogste_diploma", "niveau_d_etudes",
                        "niveau_etudes", "diplome", "education"],
    "foreign_diploma_level": ["foreign_diploma_level", "buitenlands_diploma", "diploma_buitenland",
                              "diplome_etranger", "niveau_diplome_etranger"],
    "illiterate": ["illiterate", "analfabeet", "ongeletterd", "analphabete"],
    "driving_licence": ["driving_licence", "rijbewijs", "permis_de_conduire", "permis", "driving_license"],
    "it_office_skills": ["it_office_skills", "kantoorsoftware", "office", "bureautique"],
    "it_internet_skills": ["it_internet_skills", "internetvaardigheden", "internet_skills", "competences_internet"],
    "computer_at_home": ["computer_at_home", "computer_thuis", "pc_thuis", "ordinateur_a_domicile",
                         "ordinateur_maison"],
    "internet_at_home": ["internet_at_home", "internet_thuis", "internet_a_domicile", "internet_maison"],
    "has_email": ["has_email", "heeft_email", "a_un_email", "a_une_adresse_email"],
    "registration_channel": ["registration_channel", "aanmelding", "aanmeldingskanaal", "kanaal", "canal",
                             "canal_d_inscription", "inscription"],
    "preferred_sector": ["preferred_sector", "sector", "gewenste_sector", "voorkeursector", "secteur",
                         "secteur_souhaite"],
    "work_experience_abroad": ["work_experience_abroad", "werkervaring_buitenland", "experience_a_l_etranger",
                               "experience_etranger"],
    "work_experience_abroad_duration": ["work_experience_abroad_duration", "duur_werkervaring_buitenland",
                                        "duree_experience_etranger"],
    "work_experience_abroad_relevant": ["work_experience_abroad_relevant", "relevante_werkervaring_buitenland",
                                        "experience_etranger_pertinente"],
    "work_experience_belgium": ["work_experience_belgium", "werkervaring_belgie", "werkervaring_in_belgie",
                                "experience_en_belgique", "experience_belgique"],
    "income_source": ["income_source", "inkomen", "inkomensbron", "bron_van_inkomen", "revenu", "source_de_revenu",
                      "source_de_revenus", "income"],
    "housing_situation": ["housing_situation", "huisvesting", "woonsituatie", "logement", "situation_de_logement",
                          "housing"],
    "age_at_start": ["age_at_start", "leeftijd", "leeftijd_bij_start", "age", "age_au_debut"],
    "sector": ["sector", "secteur", "sector_ervaring", "beroepssector"],
    "start_date": ["start_date", "startdatum", "begindatum", "datum_start", "date_de_debut", "date_debut", "debut"],
    "end_date": ["end_date", "einddatum", "datum_einde", "date_de_fin", "date_fin", "fin"],
    "status": ["status", "statuut", "toestand", "statut", "situation", "resultaat", "resultat"],
    "followup_months": ["followup_months", "opvolging_maanden", "maanden", "mois", "mois_de_suivi", "months",
                        "follow_up_months"],
    "positive_type": ["positive_type", "type", "contracttype", "type_contract", "type_de_contrat", "soort"],
    "internship_led_to_contract": ["internship_led_to_contract", "stage_leidde_tot_contract", "stage_contract",
                                   "stage_debouche_sur_contrat"],
    "obstacle": ["obstacle", "obstakel", "drempel", "frein"],
    "rank": ["rank", "rang", "volgorde", "prioriteit", "priorite", "ordre"],
    "expectation": ["expectation", "verwachting", "attente"],
    "problem": ["problem", "probleem", "probleme"],
    "social_problems": ["social_problems", "sociale_problemen", "problemes_sociaux"],
    "cohort": ["cohort", "cohorte", "jaargang"],
    "employed_within_1y": ["employed_within_1y", "werk_binnen_1_jaar", "emploi_dans_l_annee", "emploi_1_an"],
    "n": ["n", "aantal", "nombre", "count"],
}

VALUE_SYNONYMS = {
    "gender": {"v": "female", "vrouw": "female", "vrouwelijk": "female", "f": "female", "femme": "female",
               "feminin": "female", "w": "female", "woman": "female", "f_v": "female",
               "m": "male", "man": "male", "mannelijk": "male", "h": "male", "homme": "male", "masculin": "male",
               "x": "other", "ander": "other", "anders": "other", "autre": "other", "divers": "other"},
    "boolean": {"j": "true", "y": "true", "ja": "true", "oui": "true", "o": "true", "x": "true", "waar": "true",
                "vrai": "true", "n": "false", "nee": "false", "neen": "false", "non": "false", "onwaar": "false",
                "faux": "false"},
    "followup_months": {"6_maanden": "6", "6_mois": "6", "6m": "6", "18_maanden": "18", "18_mois": "18",
                        "18m": "18"},
}
